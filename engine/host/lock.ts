/**
 * One process per data directory: `<dataDir>/signaldesk.lock` holds the owner's pid. A second
 * serve or desktop instance is refused with the holder's pid; a lock left by a process that is
 * gone (a crash, a kill -9) is stale: it is taken over and reported, so the store can be checked
 * in full (an unclean shutdown).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'signaldesk.lock';

export interface LockInfo {
  pid: number;
  hostname: string;
  mode: string;
  startedAt: number;
}

export class DataDirLockedError extends Error {
  constructor(
    message: string,
    readonly holder: LockInfo | null,
  ) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly file: string;
  /** A stale lock was taken over: the previous owner did not shut down cleanly. */
  readonly unclean: boolean;
  readonly stale: LockInfo | null;
  release(): void;
}

/** Creates the data directory if needed and keeps it private to the owner (0700). */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockInfo>;
    return typeof v.pid === 'number' ? { pid: v.pid, hostname: String(v.hostname ?? ''), mode: String(v.mode ?? '?'), startedAt: Number(v.startedAt ?? 0) } : null;
  } catch {
    return null;
  }
}

function held(info: LockInfo | null): boolean {
  // A lock from another machine (a shared folder) cannot be probed: treat it as held.
  return info !== null && (info.hostname !== os.hostname() || alive(info.pid));
}

export function acquireDataDirLock(dataDir: string, mode: string): DataDirLock {
  ensurePrivateDir(dataDir);
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockInfo = { pid: process.pid, hostname: os.hostname(), mode, startedAt: Date.now() };
  let stale: LockInfo | null = null;
  let unclean = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      try {
        fs.writeSync(fd, JSON.stringify(me) + '\n');
      } finally {
        fs.closeSync(fd);
      }
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      };
      process.on('exit', release);
      return { file, unclean, stale, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const info = readLock(file);
    if (held(info)) {
      const since = info!.startedAt ? ` since ${new Date(info!.startedAt).toISOString()}` : '';
      throw new DataDirLockedError(
        `Another Signaldesk (pid ${info!.pid}${info!.hostname !== os.hostname() ? ` on ${info!.hostname}` : ''}, ${info!.mode}${since}) is using ${dataDir}: stop it first, or use another data directory (${file}).`,
        info,
      );
    }
    // Stale: its owner is gone. Take it over; the store gets a full check.
    stale = info;
    unclean = true;
    fs.rmSync(file, { force: true });
  }
  throw new DataDirLockedError(`Could not take the lock ${file}: another process keeps taking it`, null);
}
