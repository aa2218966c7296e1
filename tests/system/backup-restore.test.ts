/**
 * A backup taken while the sim writes at 600× passes integrity_check and
 * restores to an equal database; a corrupt or newer-version file is refused with a clear message
 * and changes nothing. Real hosts (engine worker threads) on real SQLite files.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../../engine/host/host';
import { DB_FILE } from '../../db/database';
import { LATEST_VERSION } from '../../db/migrations/index';
import { tempDir } from '../helpers/serve';
import { integrity, snapshotDb } from '../helpers/db-snapshot';

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let host: Host;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir('sd-backup-');
  host = new Host({ dataDir, simSpeed: 600, simHistoryDays: 1, tickMs: 100, log: () => undefined });
  await host.start();
});
afterAll(async () => {
  await host?.stop();
});

const candles = async (): Promise<number> => (await host.call('system.metrics', {})).counters.candlesStored;

describe('system.backup while the sim writes at 600×', () => {
  let backup: { path: string; bytes: number };

  it('writes a consistent copy into <data dir>/backups that passes integrity_check', async () => {
    const c0 = await candles();
    await until('the sim to write candles', async () => (await candles()) > c0);
    backup = await host.call('system.backup', {});
    expect(path.dirname(backup.path)).toBe(path.join(dataDir, 'backups'));
    expect(backup.bytes).toBe(fs.statSync(backup.path).size);
    expect(backup.bytes).toBeGreaterThan(0);
    expect(integrity(backup.path)).toBe('ok');
    // A single self-contained file: no WAL beside it.
    expect(fs.existsSync(`${backup.path}-wal`)).toBe(false);
    const snap = snapshotDb(backup.path);
    expect(snap.candles!.rows).toBeGreaterThan(0);
    const list = await host.call('system.backups.list', {});
    expect(list.map((b) => b.path)).toContain(backup.path);
    expect(list.find((b) => b.path === backup.path)).toMatchObject({ bytes: backup.bytes, auto: false });
  });

  it('restores to an equal database on a host whose sim is idle, keeping the replaced database aside', async () => {
    // A second host, its sim nearly still (a bar per 10 real minutes), restores the backup and stops:
    // its database must then equal the backup, table by table, row by row.
    const dir2 = tempDir('sd-restore-');
    const h2 = new Host({ dataDir: dir2, simSpeed: 0.1, simHistoryDays: 0, log: () => undefined });
    await h2.start();
    try {
      fs.mkdirSync(path.join(dir2, 'backups'), { recursive: true });
      fs.copyFileSync(backup.path, path.join(dir2, 'backups', path.basename(backup.path)));
      const before = snapshotDb(backup.path);
      const r = await h2.call('system.restore', { path: path.basename(backup.path) });
      expect(r.replacedPath).toMatch(/signaldesk\.db\.replaced-/);
      expect(fs.existsSync(r.replacedPath)).toBe(true);
      expect(r.schemaVersion).toBe(LATEST_VERSION);
      expect((await h2.call('system.health', {})).status).toBe('ok');
      expect((await h2.call('system.metrics', {})).counters.candlesStored).toBe(before.candles!.rows);
      await h2.stop();
      expect(snapshotDb(path.join(dir2, DB_FILE))).toEqual(before);
    } finally {
      await h2.stop();
    }
  });

  it('restores in place on the running host: the engine restarts on the backup and runs on', async () => {
    const snap = snapshotDb(backup.path);
    await until('more candles than in the backup', async () => (await candles()) > snap.candles!.rows + 10);
    // Two at once: one restores, the other is told to wait (BUSY), never a second swap.
    const both = await Promise.allSettled([host.call('system.restore', { path: backup.path }), host.call('system.restore', { path: backup.path })]);
    expect(both.map((x) => x.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(both.find((x) => x.status === 'rejected')).toMatchObject({ reason: { code: 'BUSY' } });
    const r = (both.find((x) => x.status === 'fulfilled') as PromiseFulfilledResult<{ replacedPath: string }>).value;
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('.replaced-') && !/-(wal|shm)$/.test(f))).toHaveLength(1);
    expect(fs.existsSync(r.replacedPath)).toBe(true);
    expect(integrity(r.replacedPath)).toBe('ok');
    const after = await candles();
    expect(after).toBeGreaterThanOrEqual(snap.candles!.rows);
    // The restored engine keeps writing.
    await until('the restored engine to write candles', async () => (await candles()) > after);
    expect((await host.call('system.integrity', {})).ok).toBe(true);
  });
});

describe('system.restore refuses a bad file and changes nothing', () => {
  const state = (): { files: string[]; health: string } => ({ files: fs.readdirSync(dataDir).filter((f) => f.startsWith(DB_FILE)).sort(), health: host.health().status });

  async function expectRefused(p: string, message: RegExp): Promise<void> {
    const before = state();
    const info = await host.call('system.info', {});
    const err = await host.call('system.restore', { path: p }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'UNPROCESSABLE', details: { field: 'path' } });
    expect((err as Error).message).toMatch(message);
    // Nothing changed: same database files (no replaced copy, no staging left), same engine (same pid and worker).
    expect(state()).toEqual(before);
    expect(await host.call('system.info', {})).toMatchObject({ pid: info.pid });
    expect(host.health().status).toBe('ok');
  }

  it('refuses a file that is not a database', async () => {
    const p = path.join(dataDir, 'backups', 'garbage.db');
    fs.writeFileSync(p, Buffer.from('this is not an SQLite database at all, just text'.repeat(100)));
    await expectRefused('garbage.db', /not a readable SQLite database|cannot be opened|not a database/i);
  });

  it('refuses a backup whose pages were damaged', async () => {
    const b = await host.call('system.backup', {});
    const p = path.join(dataDir, 'backups', 'damaged.db');
    const buf = fs.readFileSync(b.path);
    // Keep the header page, scribble over the pages after it.
    for (let i = 4096 * 2; i < Math.min(buf.length, 4096 * 40); i += 7) buf[i] = (buf[i]! ^ 0x5a) & 0xff;
    fs.writeFileSync(p, buf);
    await expectRefused('damaged.db', /integrity check|damaged|malformed|not a readable/i);
  });

  it('refuses a database from a newer Signaldesk, saying so', async () => {
    const b = await host.call('system.backup', {});
    const p = path.join(dataDir, 'backups', 'newer.db');
    fs.copyFileSync(b.path, p);
    const d = new BetterSqlite3(p);
    d.pragma(`user_version = ${LATEST_VERSION + 1}`);
    d.close();
    await expectRefused('newer.db', new RegExp(`schema version ${LATEST_VERSION + 1}, newer than this Signaldesk supports \\(${LATEST_VERSION}\\)`));
  });

  it('refuses a path outside the folders files may be read from', async () => {
    await expectRefused('/etc/hostname', /outside the folders/);
  });
});

describe('system.backup to a path of the trader’s choosing obeys the file policy', () => {
  it('writes into exports/ by a relative name, never over an existing file or the store', async () => {
    const r = await host.call('system.backup', { path: 'mine.db' });
    expect(r.path).toBe(path.join(fs.realpathSync(dataDir), 'exports', 'mine.db'));
    expect(integrity(r.path)).toBe('ok');
    await expect(host.call('system.backup', { path: 'mine.db' })).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'path' } });
    await expect(host.call('system.backup', { path: path.join(dataDir, DB_FILE) })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await expect(host.call('system.backup', { path: path.join(dataDir, 'token') })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await expect(host.call('system.backup', { path: '/etc/signaldesk-backup.db' })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
  });
});

describe('settings.import through the host', () => {
  it('restarts the engine when something changed, so every part reads the new values', async () => {
    const before = await host.call('system.metrics', {});
    const r = await host.call('settings.import', { settings: { format: 'signaldesk.settings', version: 1, settings: { 'backups.keep': 4 } } });
    expect(r).toEqual({ applied: ['backups.keep'], unchanged: [], restarted: true });
    const after = await host.call('system.metrics', {});
    expect(after.engine.uptimeMs).toBeLessThan(before.engine.uptimeMs);
    expect((await host.call('system.backups.config', {})).keep).toBe(4);
    // The same again: nothing to change, no restart.
    expect(await host.call('settings.import', { settings: { format: 'signaldesk.settings', version: 1, settings: { 'backups.keep': 4 } } })).toEqual({ applied: [], unchanged: ['backups.keep'], restarted: false });
  });
});
