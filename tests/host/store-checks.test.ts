/**
 * A damaged, empty or shared database is caught at start, by the real serve
 * process and by the host the desktop uses, with one line saying what to do.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/database';
import { Host } from '../../engine/host/host';
import { LOCK_FILE } from '../../engine/host/lock';
import { SERVE_JS, call, startServe, tempDir, type Served } from '../helpers/serve';

const started: Served[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
});

/** Runs serve until it exits (it should refuse to start); bounded by a timeout. */
function serveRefuses(dataDir: string, extra: string[] = []): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [SERVE_JS, '--port', '0', '--data-dir', dataDir, '--sim-history-days', '0', ...extra], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A store with enough pages that random bytes in the middle hit b-tree pages. */
function makeStore(dir: string): string {
  const file = path.join(dir, 'signaldesk.db');
  const db = openDatabase(file);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, v TEXT)');
  const ins = db.prepare('INSERT INTO filler (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 4000; i++) ins.run(crypto.randomBytes(120).toString('hex'));
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return file;
}

describe('database checks at start', () => {
  it('refuses a damaged file (random bytes in middle pages) with one line saying to restore a backup', () => {
    const dir = tempDir('sd-damaged-');
    const file = makeStore(dir);
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    for (let off = Math.floor(size / 3); off < (2 * size) / 3; off += 4096 * 7) fs.writeSync(fd, crypto.randomBytes(1500), 0, 1500, off);
    fs.closeSync(fd);
    const r = serveRefuses(dir);
    expect(r.status).toBe(1);
    const lines = r.out.trim().split('\n').filter((l) => /damaged/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/is damaged .*restore a backup/);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a zero-length file unless --fresh is given', async () => {
    const dir = tempDir('sd-empty-');
    fs.writeFileSync(path.join(dir, 'signaldesk.db'), '');
    const r = serveRefuses(dir);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/is empty \(0 bytes\).*restore a backup of it, or start with --fresh/);
    const s = await startServe(['--fresh'], dir);
    started.push(s);
    expect((await call(s, 'system.info', {})).status).toBe(200);
    expect(fs.statSync(path.join(dir, 'signaldesk.db')).size).toBeGreaterThan(0);
  });

  it('answers system.integrity on demand', async () => {
    const s = await startServe();
    started.push(s);
    const r = await call(s, 'system.integrity', {});
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({ ok: true, problems: [] });
  });
});

describe('one process per data directory', () => {
  it('a second serve on the same data directory says which process holds it', async () => {
    const s = await startServe();
    started.push(s);
    const lock = JSON.parse(fs.readFileSync(path.join(s.dataDir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(s.proc.pid);
    const r = serveRefuses(s.dataDir);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`Another Signaldesk (pid ${s.proc.pid}`);
    // The first one is untouched.
    expect((await call(s, 'system.health', {})).body.result.status).toBe('ok');
  });

  it('the lock goes away on a clean stop', async () => {
    const s = await startServe();
    expect(fs.existsSync(path.join(s.dataDir, LOCK_FILE))).toBe(true);
    expect(await s.stop()).toBe(0);
    expect(fs.existsSync(path.join(s.dataDir, LOCK_FILE))).toBe(false);
  });

  it('a stale lock (its process is gone) is taken over, and the store gets a full integrity check', async () => {
    const s1 = await startServe();
    await s1.stop('SIGKILL');
    expect(fs.existsSync(path.join(s1.dataDir, LOCK_FILE))).toBe(true);
    const s2 = await startServe([], s1.dataDir);
    started.push(s2);
    expect(s2.output()).toMatch(/did not shut down cleanly/);
    expect((await call(s2, 'system.health', {})).status).toBe(200);
  });

  it('the desktop host refuses a data directory another host holds, naming the pid', async () => {
    const dir = tempDir('sd-host-lock-');
    const holder = spawn(process.execPath, [SERVE_JS, '--port', '0', '--data-dir', dir, '--sim-history-days', '0'], { stdio: 'ignore' });
    try {
      await expect.poll(() => fs.existsSync(path.join(dir, LOCK_FILE)), { timeout: 30_000 }).toBe(true);
      const h = new Host({ dataDir: dir, mode: 'desktop', log: () => undefined });
      await expect(h.start()).rejects.toThrow(`Another Signaldesk (pid ${holder.pid}`);
    } finally {
      holder.kill('SIGTERM');
    }
  });

  it('keeps the data directory 0700 and the database 0600 for the desktop host too', async () => {
    const dir = path.join(tempDir('sd-perm-'), 'data');
    const h = new Host({ dataDir: dir, mode: 'desktop', simHistoryDays: 0, log: () => undefined });
    await h.start();
    try {
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, 'signaldesk.db')).mode & 0o777).toBe(0o600);
    } finally {
      await h.stop();
    }
  });
});
