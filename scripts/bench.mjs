// `npm run bench [-- name …]`: builds if needed, then runs bench/run.ts.
// The hot-path benches (`indicators`, `backtest`) run bundled, the way the app runs its engine
// (electron-vite bundles it into out/main): through tsx every call between two source files goes
// through a CommonJS export getter, which the bundle does not have and which would charge the
// engine for the dev runner. Their pool tasks run in the built worker (out/main/indicators-pool.js).
// Any other selection (or none: every bench) runs through tsx as before.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildIfStale, ensureNativeForNode, root } from './lib.mjs';

const BUNDLED = ['indicators', 'backtest'];

ensureNativeForNode();
buildIfStale({ quiet: true });
const names = process.argv.slice(2);
const entry = path.join(root, 'bench', 'run.ts');
let args = ['--import', 'tsx', entry, ...names];
if (names.length && names.every((n) => BUNDLED.includes(n))) {
  const out = path.join(root, 'out', 'bench', 'run.cjs');
  try {
    const esbuild = createRequire(path.join(root, 'node_modules', 'tsx', 'package.json'))('esbuild');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', packages: 'external', outfile: out, logLevel: 'warning' });
    // Loaded from a second file, so `require.main === module` checks inside the bundle (bench
    // files that also run on their own) stay false.
    const main = path.join(path.dirname(out), 'main.cjs');
    fs.writeFileSync(main, "require('./run.cjs');\n");
    args = [main, ...names];
  } catch (err) {
    console.error(`[bench] could not bundle (${err instanceof Error ? err.message : String(err)}); running through tsx`);
  }
}
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, SIGNALDESK_BENCH_ROOT: root } });
process.exit(r.status ?? 1);
