/** `npm run serve`: the engine headless, with the renderer and the contract on loopback. */
import path from 'node:path';
import { Host } from '../host/host';
import { readVersion } from '../host/version';
import { findBuilt } from '../host/paths';
import { ArgsError, isLoopback, parseServeArgs } from './args';
import { startServer, type ServeHandle } from './server';
import { loadOrCreateToken } from './token';

export async function runServe(argv: readonly string[]): Promise<void> {
  let args;
  try {
    args = parseServeArgs(argv);
  } catch (e) {
    if (e instanceof ArgsError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  if (!isLoopback(args.host)) {
    console.warn(`[serve] WARNING: binding to ${args.host}: anyone who can reach this address and has the token can trade. Prefer an SSH tunnel.`);
  }
  const token = loadOrCreateToken(args.dataDir);
  const host = new Host({
    dataDir: args.dataDir,
    mode: 'serve',
    version: readVersion(),
    simSeed: args.simSeed,
    simSpeed: args.simSpeed,
    simSymbols: args.simSymbols,
    simHistoryDays: args.simHistoryDays,
    tickMs: args.tickMs,
    fresh: args.fresh,
  });
  // Signal handlers first: a stop that arrives while starting (or right after the URL is printed)
  // still shuts down cleanly and releases the data directory's lock.
  let server: ServeHandle | null = null;
  let stopping = false;
  const shutdown = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`[serve] ${sig}: stopping`);
    void Promise.resolve(server?.close())
      .then(() => host.stop())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const t0 = Date.now();
  await host.start();
  if (host.uncleanShutdown) console.log('[serve] the previous run did not shut down cleanly; the store passed a full integrity check');
  const index = findBuilt(path.join('renderer', 'index.html'));
  server = await startServer({
    host,
    token,
    port: args.port,
    bind: args.host,
    staticDir: index ? path.dirname(index) : null,
    limits: { resultBudget: Math.round(args.wsBudgetMb * 1_000_000) },
  });
  console.log(
    `Signaldesk serving on ${server.url}/?token=${token}  (data: ${args.dataDir}, sim speed ${args.simSpeed}x, ready in ${Date.now() - t0} ms)`,
  );
}
