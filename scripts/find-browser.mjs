// Finds the Chromium the browser tests drive: SIGNALDESK_CHROMIUM (or the older CHROMIUM_PATH)
// when set, else /usr/bin/chromium, else a chrome / chromium on the PATH.
import fs from 'node:fs';
import path from 'node:path';

export const FIXED_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
export const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
export const INSTALL_HINT =
  'npm test needs Chromium for its browser tests and found none: install it (Debian/Ubuntu: sudo apt-get install chromium; macOS: install Google Chrome) or set SIGNALDESK_CHROMIUM=/path/to/chrome';

function executable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * { path } of the browser to use, or { error } in one line saying what to install or fix.
 * `fixed` and `env` are parameters so the search itself can be tested.
 */
export function findBrowser({ env = process.env, fixed = FIXED_PATHS } = {}) {
  const chosen = env.SIGNALDESK_CHROMIUM || env.CHROMIUM_PATH;
  if (chosen) {
    if (executable(chosen)) return { path: chosen };
    const name = env.SIGNALDESK_CHROMIUM ? 'SIGNALDESK_CHROMIUM' : 'CHROMIUM_PATH';
    return { error: `${name}=${chosen} is not an executable browser: point it at chromium or chrome, or unset it to search /usr/bin and the PATH` };
  }
  for (const p of fixed) if (executable(p)) return { path: p };
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const n of PATH_NAMES) {
      const p = path.join(dir, n);
      if (executable(p)) return { path: p };
    }
  }
  return { error: INSTALL_HINT };
}
