// `npm start`: opens the Electron window; where Electron cannot start (no binary, no display)
// it says why in one line and falls back to serve mode.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildIfStale, ensureNativeForNode, root } from './lib.mjs';

function electronUnavailable() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  }
  // Resolving the binary downloads it on first run; offline that fails, which is the answer.
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root, encoding: 'utf8', timeout: 180_000,
  });
  if (r.status !== 0 || !r.stdout) {
    const why = (r.stderr || '').split('\n').find((l) => /Error|error|fail/.test(l)) ?? 'unknown error';
    return `its binary could not be downloaded or found (${why.trim().slice(0, 160)})`;
  }
  return null;
}

function fallBack(reason) {
  console.log(`[signaldesk] Electron cannot start here: ${reason}; falling back to serve mode.`);
  ensureNativeForNode();
  buildIfStale();
  const child = spawn(process.execPath, [path.join(root, 'out', 'main', 'serve.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const reason = electronUnavailable();
if (reason) {
  fallBack(reason);
} else {
  buildIfStale();
  // Native modules must match Electron's ABI; rebuild them for Electron right before launch.
  const rebuild = spawnSync(process.execPath, [path.join(root, 'node_modules', '@electron', 'rebuild', 'lib', 'cli.js'), '-f', '-o', 'better-sqlite3'], {
    cwd: root, stdio: 'inherit',
  });
  if (rebuild.status !== 0) {
    fallBack('better-sqlite3 could not be rebuilt for Electron');
  } else {
    const electronBin = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8' }).stdout;
    const child = spawn(electronBin, [root], { stdio: 'inherit' });
    child.on('exit', (code) => {
      // Leave better-sqlite3 usable by Node again (serve mode, tests, CLI).
      spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'ignore' });
      process.exit(code ?? 0);
    });
  }
}
