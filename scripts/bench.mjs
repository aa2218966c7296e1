// `npm run bench [-- name …]`: builds if needed, then runs bench/run.ts through tsx.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildIfStale, ensureNativeForNode, root } from './lib.mjs';

ensureNativeForNode();
buildIfStale({ quiet: true });
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'run.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
