#!/usr/bin/env node
// `npx signaldesk …`: runs the built CLI, building first when the build is missing.
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');
const root = path.join(__dirname, '..');
const cli = path.join(root, 'out', 'main', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('signaldesk: building first (npm run build)…');
  execSync('npm run build --silent', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
require(cli);
