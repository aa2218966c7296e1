import { describe, expect, it } from 'vitest';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../db/database';
import { LATEST_VERSION, MIGRATIONS, DatabaseTooNewError, checkMigrationOrder, migrate } from '../../db/migrations/index';
import { tempDir } from '../helpers/serve';

describe('migrations', () => {
  it('applies every migration to a new file, with WAL and foreign keys on', () => {
    const file = path.join(tempDir(), 'a.db');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all().map((r: any) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['settings', 'candles']));
    const ddl = (db.prepare("SELECT sql FROM sqlite_master WHERE name='candles'").get() as { sql: string }).sql;
    expect(ddl).toMatch(/WITHOUT ROWID/);
    db.close();
  });

  it('is idempotent: reopening applies nothing', () => {
    const file = path.join(tempDir(), 'b.db');
    openDatabase(file).close();
    const db = new BetterSqlite3(file);
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('each migration is applied in its own transaction: a failing one leaves the version unchanged', () => {
    const db = new BetterSqlite3(':memory:');
    const bad = [...MIGRATIONS, { version: LATEST_VERSION + 1, name: 'broken', up: (d: BetterSqlite3.Database) => { d.exec('CREATE TABLE x (a)'); d.exec('SELECT nope FROM missing'); } }];
    expect(() => migrate(db, bad)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.prepare("SELECT count(*) n FROM sqlite_master WHERE name='x'").get()).toEqual({ n: 0 });
  });

  it('refuses a database from a newer Signaldesk with a clear error', () => {
    const file = path.join(tempDir(), 'c.db');
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 5}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(/newer than this Signaldesk supports/);
  });

  it('checks that migration numbers increase', () => {
    expect(() => checkMigrationOrder([{ version: 2, name: 'a', up: () => {} }, { version: 2, name: 'b', up: () => {} }])).toThrow(/does not increase/);
    expect(() => checkMigrationOrder(MIGRATIONS)).not.toThrow();
  });
});
