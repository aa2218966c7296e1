/**
 * The file half of system.restore, run by the host while the engine is stopped: the validated
 * staging copy (engine/system/backups.ts) replaces the database, and the replaced database (with
 * any WAL / SHM left beside it) is kept as signaldesk.db.replaced-<time>. `undo` puts it back
 * when the engine does not start on the restored file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE } from '../../db/database';
import { RESTORE_STAGING } from '../system/backups';
import { ApiError } from '../api/errors';

const SIDES = ['-wal', '-shm', '-journal'];

export interface Swap {
  replacedPath: string;
  undo(): void;
}

function moveIfThere(from: string, to: string): void {
  if (fs.existsSync(from)) fs.renameSync(from, to);
}

export function swapInRestored(dataDir: string, now = Date.now()): Swap {
  const db = path.join(dataDir, DB_FILE);
  const staging = path.join(dataDir, RESTORE_STAGING);
  if (!fs.existsSync(staging)) throw new ApiError('UNPROCESSABLE', 'The validated copy of the backup is gone; run the restore again', { field: 'path' });
  const replaced = `${db}.replaced-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  moveIfThere(db, replaced);
  for (const s of SIDES) moveIfThere(db + s, replaced + s);
  fs.renameSync(staging, db);
  fs.chmodSync(db, 0o600);
  return {
    replacedPath: replaced,
    undo: () => {
      const failed = `${db}.failed-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
      moveIfThere(db, failed);
      for (const s of SIDES) moveIfThere(db + s, failed + s);
      moveIfThere(replaced, db);
      for (const s of SIDES) moveIfThere(replaced + s, db + s);
    },
  };
}

/** Removes a staging copy a refused or abandoned restore left. */
export function dropStaging(dataDir: string): void {
  const staging = path.join(dataDir, RESTORE_STAGING);
  for (const s of ['', ...SIDES]) fs.rmSync(staging + s, { force: true });
}
