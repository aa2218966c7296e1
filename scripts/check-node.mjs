// Runs before and after `npm install`: one plain line about the Node version, never a wall of text.
// Serve mode, the build and the tests need Node ≥ 20.19; the Electron window and packaging need
// Node ≥ 22.12 (Electron 45 and @electron/rebuild; npm prints EBADENGINE warnings for them on Node 20).
const [maj, min] = process.versions.node.split('.').map(Number);
const atLeast = (a, b) => maj > a || (maj === a && min >= b);
const phase = process.argv[2] ?? 'postinstall';
if (!atLeast(20, 19)) {
  console.error(`Signaldesk needs Node ≥ 20.19 (≥ 22.12 for the desktop window); this is Node ${process.versions.node}: install Node 22 (e.g. nvm install 22) and run npm install again.`);
  process.exit(1);
}
if (phase === 'postinstall' && !atLeast(22, 12)) {
  console.log(`Signaldesk on Node ${process.versions.node}: npm run serve and npm test work; the EBADENGINE warnings above (electron, @electron/rebuild) only matter for npm start's desktop window and npm run package, which need Node ≥ 22.12 (nvm install 22).`);
}
