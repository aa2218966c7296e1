import BetterSqlite3, { type Database } from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations/index';

export type { Database };

export interface OpenOptions {
  readonly?: boolean;
  /** Skip migrations (readers open after the writer migrated). */
  migrate?: boolean;
}

export const DB_FILE = 'signaldesk.db';

/** Opens the store with WAL, foreign keys and a busy timeout, and applies migrations. */
export function openDatabase(file: string, opts: OpenOptions = {}): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  if (!opts.readonly && opts.migrate !== false) migrate(db);
  return db;
}
