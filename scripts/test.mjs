// `npm test`: builds if needed (end-to-end tests drive the built app), runs vitest, and ends with
// one line `N passed, N failed` computed from vitest's own JSON results.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIfStale, ensureNativeForNode, root } from './lib.mjs';
import { summarize } from './summarize.mjs';
import { findBrowser } from './find-browser.mjs';

// The browser tests need Chromium: without one, stop now with one line (not a failure per test).
// Explicit test paths that name no end-to-end test skip the check.
const args = process.argv.slice(2);
const paths = args.filter((a) => !a.startsWith('-'));
const wantsBrowser = paths.length === 0 || paths.some((a) => a.includes('e2e'));
if (wantsBrowser) {
  const browser = findBrowser();
  if (browser.error) {
    console.error(browser.error);
    process.exit(1);
  }
  process.env.SIGNALDESK_CHROMIUM = browser.path;
}

ensureNativeForNode();
buildIfStale();
const results = path.join(root, 'test-results', 'vitest.json');
fs.rmSync(results, { force: true });
const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args], {
  cwd: root,
  stdio: 'inherit',
});
let passed = 0;
let failed = 0;
try {
  ({ passed, failed } = summarize(results));
} catch {
  failed = Math.max(1, failed);
  console.error('[test] no vitest results were written');
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
