/** Row counts and a content hash per table of a SQLite file, to compare two databases. */
import crypto from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';

export type DbSnapshot = Record<string, { rows: number; hash: string }>;

export function snapshotDb(file: string): DbSnapshot {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const out: DbSnapshot = {};
    for (const t of tables) {
      const cols = (db.prepare(`PRAGMA table_info("${t}")`).all() as Array<{ name: string }>).map((c) => `"${c.name}"`);
      const h = crypto.createHash('sha256');
      let rows = 0;
      for (const r of db.prepare(`SELECT * FROM "${t}" ORDER BY ${cols.join(', ')}`).raw().iterate() as Iterable<unknown[]>) {
        h.update(JSON.stringify(r));
        rows++;
      }
      out[t] = { rows, hash: h.digest('hex') };
    }
    return out;
  } finally {
    db.close();
  }
}

export function integrity(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}
