/**
 * A fresh machine, honestly: `engines` says which Node runs what, the install check prints one
 * plain line, and `npm test` without a browser stops at once with one line naming what to install.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBrowser, INSTALL_HINT } from '../../scripts/find-browser.mjs';
import { ROOT, tempDir } from '../helpers/serve';

/** npm's meaning of the two operators `engines` uses here: `^a.b.c` (same major, ≥) and `>=a.b.c`, joined by `||`. */
function satisfies(version: string, range: string): boolean {
  const v = version.split('.').map(Number);
  const cmp = (a: number[], b: number[]): number => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  return range.split('||').some((part) => {
    const m = /^\s*(\^|>=)\s*(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (!m) throw new Error(`engines part not understood: ${part}`);
    const b = [Number(m[2]), Number(m[3]), Number(m[4])];
    return m[1] === '^' ? v[0] === b[0] && cmp(v, b) >= 0 : cmp(v, b) >= 0;
  });
}
const semver = { satisfies };

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };

describe('Node versions', () => {
  it('engines admits Node 20.19+ (serve, build, tests) and 22.12+ (Electron 45), and nothing older', () => {
    const range = pkg.engines.node;
    for (const ok of ['20.19.0', '20.20.2', '22.12.0', '24.1.0']) expect(semver.satisfies(ok, range), ok).toBe(true);
    for (const bad of ['18.20.0', '20.18.3', '22.11.0', '21.7.0']) expect(semver.satisfies(bad, range), bad).toBe(false);
  });
  it('the install check prints one plain line on Node 20 and says what to do for the desktop app', () => {
    expect(pkg.scripts['postinstall']).toContain('scripts/check-node.mjs');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/check-node.mjs'), 'postinstall'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const lines = (r.stdout + r.stderr).split('\n').filter(Boolean);
    if (semver.satisfies(process.versions.node, '>=22.12.0')) expect(lines).toEqual([]);
    else {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/npm test work.*Node ≥ 22\.12/);
    }
  });
});

describe('finding a browser for the end-to-end tests', () => {
  it('finds none in an empty PATH with no fixed paths: one line naming what to install', () => {
    const r = findBrowser({ env: { PATH: tempDir('sd-nopath-') }, fixed: [] });
    expect(r.path).toBeUndefined();
    expect(r.error).toBe(INSTALL_HINT);
    expect(r.error).toMatch(/apt-get install chromium/);
    expect(r.error).toMatch(/SIGNALDESK_CHROMIUM/);
    expect(r.error).not.toContain('\n');
  });
  it('finds a chromium on the PATH, and SIGNALDESK_CHROMIUM first', () => {
    const dir = tempDir('sd-path-');
    const exe = path.join(dir, 'chromium');
    fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
    expect(findBrowser({ env: { PATH: dir }, fixed: [] }).path).toBe(exe);
    const chosen = path.join(dir, 'my-chrome');
    fs.writeFileSync(chosen, '#!/bin/sh\n', { mode: 0o755 });
    expect(findBrowser({ env: { PATH: dir, SIGNALDESK_CHROMIUM: chosen }, fixed: [] }).path).toBe(chosen);
    // A file that is not executable is not a browser.
    fs.chmodSync(exe, 0o644);
    expect(findBrowser({ env: { PATH: dir }, fixed: [] }).error).toBe(INSTALL_HINT);
  });
  it('npm test with a browser path that does not exist stops at once with one line, running nothing', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/test.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SIGNALDESK_CHROMIUM: '/nonexistent/chrome' },
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    const lines = (r.stdout + r.stderr).split('\n').filter(Boolean);
    expect(lines).toEqual([expect.stringContaining('SIGNALDESK_CHROMIUM=/nonexistent/chrome is not an executable browser')]);
  });
});
