/** Size of an SQLite database on disk: the main file plus its WAL (0 for a part that is absent). */
import fs from 'node:fs';

export function dbBytes(file: string): number {
  let n = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      n += fs.statSync(f).size;
    } catch {
      // absent (no WAL yet, or an in-memory test store)
    }
  }
  return n;
}
