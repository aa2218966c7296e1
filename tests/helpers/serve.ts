/** Starts the real built serve mode (out/main/serve.js) on a free port with a temp data dir. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const SERVE_JS = path.join(ROOT, 'out/main/serve.js');

export interface Served {
  url: string;
  token: string;
  dataDir: string;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Every serve process a test file started; killed when the test worker exits, pass or fail. */
const spawned = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

export function tempDir(prefix = 'sd-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startServe(extra: string[] = [], dataDir = tempDir()): Promise<Served> {
  if (!fs.existsSync(SERVE_JS)) throw new Error('out/main/serve.js missing: run npm run build (npm test builds first)');
  const proc = spawn(process.execPath, [SERVE_JS, '--port', '0', '--data-dir', dataDir, '--sim-history-days', '1', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(proc);
  proc.once('exit', () => spawned.delete(proc));
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000);
    const check = (): void => {
      const m = /Signaldesk serving on (http:\/\/[^/\s]+)\/\?token=(\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  const token = fs.readFileSync(path.join(dataDir, 'token'), 'utf8').trim();
  return {
    url,
    token,
    dataDir,
    proc,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
        proc.once('exit', (code) => resolve(code));
        proc.kill(signal);
      }),
  };
}

export async function call(s: Pick<Served, 'url' | 'token'>, name: string, input: unknown, token = s.token): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.url}/api/call/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof input === 'string' ? input : JSON.stringify(input),
  });
  return { status: res.status, body: await res.json() };
}
