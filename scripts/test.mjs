// `npm test`: builds if needed (end-to-end tests drive the built app), runs vitest, and ends with
// one line `N passed, N failed` computed from vitest's own JSON results.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIfStale, ensureNativeForNode, root } from './lib.mjs';
import { summarize } from './summarize.mjs';

ensureNativeForNode();
buildIfStale();
const results = path.join(root, 'test-results', 'vitest.json');
fs.rmSync(results, { force: true });
const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)], {
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
