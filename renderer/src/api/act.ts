/** Runs a user action, reports "<what>: done" or "<what> failed: <engine's message>", then refreshes the view's data either way. */
export async function runAction(what: string, f: () => Promise<unknown>, report: (message: string) => void, refresh: () => unknown): Promise<void> {
  try {
    await f();
    report(`${what}: done`);
  } catch (e) {
    report(`${what} failed: ${(e as Error).message}`);
  }
  void refresh();
}
