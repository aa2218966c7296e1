// `npm run serve -- [flags]`: builds if needed, then runs the engine headless with the UI on loopback.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildIfStale, ensureNativeForNode, root } from './lib.mjs';

ensureNativeForNode();
buildIfStale();
const child = spawn(process.execPath, [path.join(root, 'out', 'main', 'serve.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
