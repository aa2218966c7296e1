import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchServe {
  url: string;
  token: string;
  proc: ChildProcess;
  /** Stops the host and removes its data directory. */
  stop(): Promise<void>;
}

/** Starts the built serve host (out/main/serve.js) on a free port with a fresh data directory. */
export async function startBenchServe(root: string, args: string[]): Promise<BenchServe> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-serve-'));
  const proc = spawn(process.execPath, [path.join(root, 'out/main/serve.js'), '--port', '0', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/\S+?)\/\?token=/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    proc.on('exit', (c) => reject(new Error(`serve exited ${c}: ${out}`)));
  });
  const token = fs.readFileSync(path.join(dataDir, 'token'), 'utf8').trim();
  return {
    url,
    token,
    proc,
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
