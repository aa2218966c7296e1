import BetterSqlite3, { type Database } from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations/index';

export type { Database };

export interface OpenOptions {
  readonly?: boolean;
  /** Skip migrations (readers open after the writer migrated). */
  migrate?: boolean;
  /**
   * Check the file before use: 'quick' (PRAGMA quick_check, the default for the writer), 'full'
   * (PRAGMA integrity_check, after an unclean shutdown) or 'none'.
   */
  check?: 'quick' | 'full' | 'none';
  /** The user asked for a fresh start: an empty (zero-length) file is replaced by a new database. */
  fresh?: boolean;
}

export const DB_FILE = 'signaldesk.db';

/** The store was refused at start; the message is one line saying what to do. */
export class DatabaseRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseRefusedError';
  }
}

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

/** Keeps the database file and its WAL/SHM companions readable by the owner only (0600). */
export function restrictDatabaseFiles(file: string): void {
  for (const suffix of SIDE_FILES) {
    try {
      fs.chmodSync(file + suffix, 0o600);
    } catch {
      /* not there */
    }
  }
}

/** Runs PRAGMA quick_check or integrity_check; the problems found (empty when the file is sound). */
export function checkIntegrity(db: Database, kind: 'quick' | 'full', max = 20): string[] {
  const pragma = kind === 'full' ? `integrity_check(${max})` : `quick_check(${max})`;
  const rows = db.pragma(pragma) as Array<Record<string, string>>;
  const lines = rows.map((r) => String(Object.values(r)[0]));
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
}

function damaged(file: string, what: string): DatabaseRefusedError {
  return new DatabaseRefusedError(
    `The database ${file} is damaged (${what.replace(/\s+/g, ' ').slice(0, 160)}): stop Signaldesk and restore a backup of it (or move it away to start with an empty store).`,
  );
}

/** Refuses a zero-length file unless a fresh start was asked for; creates a new file 0600. */
function prepareFile(file: string, fresh: boolean): void {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let size: number | null = null;
  try {
    size = fs.statSync(file).size;
  } catch {
    size = null;
  }
  if (size === 0) {
    if (!fresh) {
      throw new DatabaseRefusedError(
        `The database ${file} is empty (0 bytes), so its data is gone: restore a backup of it, or start with --fresh to begin with a new empty store.`,
      );
    }
    for (const suffix of SIDE_FILES) fs.rmSync(file + suffix, { force: true });
    size = null;
  }
  if (size === null) fs.closeSync(fs.openSync(file, 'a', 0o600));
}

/** Opens the store with WAL, foreign keys and a busy timeout, checks it, and applies migrations. */
export function openDatabase(file: string, opts: OpenOptions = {}): Database {
  const readonly = opts.readonly ?? false;
  const onDisk = file !== ':memory:';
  if (onDisk && !readonly) prepareFile(file, opts.fresh ?? false);
  let db: Database;
  try {
    db = new BetterSqlite3(file, { readonly, fileMustExist: readonly });
  } catch (e) {
    throw onDisk && /not a database|malformed|corrupt/i.test((e as Error).message) ? damaged(file, (e as Error).message) : e;
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    const check = opts.check ?? (readonly || !onDisk ? 'none' : 'quick');
    if (check !== 'none') {
      const problems = checkIntegrity(db, check, 5);
      if (problems.length) throw damaged(file, problems.join('; '));
    }
    if (!readonly && opts.migrate !== false) migrate(db);
  } catch (e) {
    db.close();
    if (e instanceof DatabaseRefusedError) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (onDisk && (/^SQLITE_(CORRUPT|NOTADB)/.test(code) || /not a database|malformed/i.test((e as Error).message))) throw damaged(file, (e as Error).message);
    throw e;
  }
  if (onDisk && !readonly) restrictDatabaseFiles(file);
  return db;
}
