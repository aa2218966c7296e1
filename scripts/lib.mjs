// Helpers shared by the npm scripts (plain Node, no build needed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['engine', 'db', 'electron', 'renderer'];
const SOURCE_FILES = ['electron.vite.config.ts', 'package.json'];

function newestMtime(p) {
  let st;
  try { st = fs.statSync(p); } catch { return 0; }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    max = Math.max(max, newestMtime(path.join(p, e)));
  }
  return max;
}

/** Builds with electron-vite when out/ is missing or older than the sources. */
export function buildIfStale({ quiet = false } = {}) {
  const marker = path.join(root, 'out', 'main', 'serve.js');
  const built = fs.existsSync(marker) && fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))
    ? fs.statSync(marker).mtimeMs : 0;
  const src = Math.max(...[...SOURCE_DIRS, ...SOURCE_FILES].map((d) => newestMtime(path.join(root, d))));
  if (built && built >= src) return false;
  if (!quiet) console.log('[signaldesk] building (electron-vite build)…');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
  if (r.status !== 0) {
    console.error('[signaldesk] build failed');
    process.exit(r.status ?? 1);
  }
  return true;
}

/**
 * better-sqlite3 is a native module: it must be compiled for the runtime that loads it.
 * `node` (serve mode, tests, CLI) rebuilds it from source for Node when it does not load;
 * Electron's ABI is handled by scripts/start.mjs right before launching Electron.
 */
export function ensureNativeForNode() {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: root, encoding: 'utf8' });
  if (probe.status === 0) return;
  console.log('[signaldesk] rebuilding better-sqlite3 for Node…');
  const r = spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error('[signaldesk] could not rebuild better-sqlite3 for Node');
    process.exit(1);
  }
}
