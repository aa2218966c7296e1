/**
 * Backups of the live store with SQLite's online backup (never a file copy of a live database),
 * the automatic daily schedule keeping the last N, and the validation half of a restore: the
 * chosen file is copied by the same online backup into a staging file beside the store and that
 * copy is checked (integrity_check, a Signaldesk schema not newer than this app). The host then
 * stops the engine, swaps the staging file in and starts again (engine/host/restart.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../../db/database';
import { DB_FILE } from '../../db/database';
import { LATEST_VERSION } from '../../db/migrations/index';
import { SettingsRepo } from '../../db/repos/settings';
import { ApiError } from '../api/errors';
import type { BackupInfo, BackupResult, BackupsConfig, RestoreResult } from '../api/commands/system-backup';
import type { FilePolicy } from '../files/policy';

export const BACKUPS_DIR = 'backups';
export const BACKUPS_KEEP_KEY = 'backups.keep';
export const DEFAULT_KEEP = 7;
export const DAY_MS = 86_400_000;
/** The staging file a validated restore leaves for the host to swap in. */
export const RESTORE_STAGING = `${DB_FILE}.restoring`;

const NAME = /^signaldesk-(auto-)?\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(-\d+)?\.db$/;

function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

function refuse(message: string, details: Record<string, unknown>): ApiError {
  return new ApiError('UNPROCESSABLE', message, { field: 'path', ...details });
}

export interface BackupsOptions {
  wallNow: () => number;
  /** How often the daily schedule is checked (ms). */
  checkEveryMs: number;
  /** The first check after start (ms). */
  firstCheckMs: number;
}

export class Backups {
  private readonly settings: SettingsRepo;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  readonly opts: BackupsOptions;

  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly policy: FilePolicy,
    opts: Partial<BackupsOptions> = {},
  ) {
    this.settings = new SettingsRepo(db);
    this.opts = { wallNow: Date.now, checkEveryMs: 10 * 60_000, firstCheckMs: 60_000, ...opts };
  }

  dir(): string {
    const d = path.join(this.dataDir, BACKUPS_DIR);
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  }

  keep(): number {
    const v = this.settings.get<unknown>(BACKUPS_KEEP_KEY);
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : DEFAULT_KEEP;
  }

  config(keep?: number): BackupsConfig {
    if (keep !== undefined) {
      this.settings.set(BACKUPS_KEEP_KEY, keep);
      this.prune();
    }
    const last = this.list().find((b) => b.auto)?.createdAt ?? null;
    return { dir: this.dir(), keep: this.keep(), lastAutoAt: last, nextAutoAt: last === null ? this.opts.wallNow() : last + DAY_MS };
  }

  start(): void {
    const first = setTimeout(() => void this.autoIfDue().catch((e: unknown) => console.error('[backups] daily backup failed:', e)), this.opts.firstCheckMs);
    first.unref?.();
    this.timer = setInterval(() => void this.autoIfDue().catch((e: unknown) => console.error('[backups] daily backup failed:', e)), this.opts.checkEveryMs);
    this.timer.unref?.();
    this.stopFirst = () => clearTimeout(first);
  }
  private stopFirst: () => void = () => undefined;

  stop(): void {
    this.stopFirst();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  list(): BackupInfo[] {
    const dir = this.dir();
    const out: BackupInfo[] = [];
    for (const name of fs.readdirSync(dir)) {
      if (!NAME.test(name)) continue;
      const p = path.join(dir, name);
      try {
        const st = fs.statSync(p);
        if (st.isFile()) out.push({ path: p, name, bytes: st.size, createdAt: Math.round(st.mtimeMs), auto: name.startsWith('signaldesk-auto-') });
      } catch {
        /* removed meanwhile */
      }
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || b.name.localeCompare(a.name));
  }

  /** One backup at a time; requests queue behind each other. */
  backup(userPath?: string, auto = false): Promise<BackupResult> {
    const run = this.chain.then(() => this.backupNow(userPath, auto));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async backupNow(userPath: string | undefined, auto: boolean): Promise<BackupResult> {
    let target: string;
    if (userPath !== undefined) target = this.resolveUserPath(userPath);
    else {
      const base = `signaldesk-${auto ? 'auto-' : ''}${stamp(this.opts.wallNow())}`;
      target = path.join(this.dir(), `${base}.db`);
      for (let i = 1; fs.existsSync(target); i++) target = path.join(this.dir(), `${base}-${i}.db`);
    }
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
    try {
      await this.db.backup(tmp);
      selfContained(tmp);
      fs.chmodSync(tmp, 0o600);
      try {
        fs.linkSync(tmp, target); // never replaces a file that appeared meanwhile
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ApiError('CONFLICT', `${userPath ?? target} already exists; a backup never replaces a file`, { field: 'path', path: userPath ?? target });
        throw refuse(`Cannot write ${userPath ?? target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: userPath ?? target });
      }
    } finally {
      for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(tmp + s, { force: true });
    }
    if (auto) this.prune();
    return { path: target, bytes: fs.statSync(target).size };
  }

  /** A path the trader chose: the file policy's write rules, and never over an existing file. */
  private resolveUserPath(p: string): string {
    try {
      return this.policy.resolveWrite(p, false);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === 'CONFLICT') throw new ApiError('CONFLICT', `${p} already exists; a backup never replaces a file, choose another name`, { field: 'path', path: p });
      throw new ApiError(e.code, e.message, { field: 'path', ...(e.details as Record<string, unknown> | undefined) });
    }
  }

  /** Takes the daily backup when the newest automatic one is a day old (or there is none). */
  async autoIfDue(now = this.opts.wallNow()): Promise<BackupResult | null> {
    const last = this.list().find((b) => b.auto);
    if (last && now - last.createdAt < DAY_MS) return null;
    return this.backup(undefined, true);
  }

  /** Keeps the newest `keep` automatic backups; backups taken on request are never removed. */
  prune(): string[] {
    const removed: string[] = [];
    for (const b of this.list().filter((x) => x.auto).slice(this.keep())) {
      fs.rmSync(b.path, { force: true });
      removed.push(b.path);
    }
    return removed;
  }

  /** Where a restore reads from: a backup in backups/ (by name or path), or a file the file policy lets us read. */
  resolveRestore(p: string): string {
    const dir = fs.realpathSync(this.dir());
    const candidates = path.isAbsolute(p) ? [p] : [path.join(dir, p)];
    for (const c of candidates) {
      let real: string;
      try {
        real = fs.realpathSync(c);
      } catch {
        continue;
      }
      if (path.dirname(real) === dir && fs.statSync(real).isFile()) return real;
    }
    try {
      return this.policy.resolveRead(p);
    } catch (e) {
      if (e instanceof ApiError) throw new ApiError(e.code, e.message, { field: 'path', ...(e.details as Record<string, unknown> | undefined) });
      throw e;
    }
  }

  /**
   * Validates a restore: copies the file by online backup into the staging file and checks that
   * copy. Leaves the staging file for the host; a refused file leaves nothing behind.
   */
  async prepareRestore(p: string): Promise<RestoreResult> {
    const src = this.resolveRestore(p);
    const staging = path.join(this.dataDir, RESTORE_STAGING);
    for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(staging + s, { force: true });
    let ok = false;
    try {
      let from: BetterSqlite3.Database;
      try {
        from = new BetterSqlite3(src, { readonly: true, fileMustExist: true });
      } catch (e) {
        throw refuse(`${p} cannot be opened as a database: ${(e as Error).message}`, { path: p });
      }
      try {
        await from.backup(staging);
      } catch (e) {
        throw refuse(`${p} is not a readable SQLite database: ${(e as Error).message}`, { path: p });
      } finally {
        from.close();
      }
      const schemaVersion = checkCandidate(staging, p);
      ok = true;
      return { path: src, replacedPath: '', schemaVersion, bytes: fs.statSync(staging).size, restartedAt: 0 };
    } finally {
      if (!ok) for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(staging + s, { force: true });
    }
  }
}

/** A backup is one self-contained file: its journal mode is set back from WAL to DELETE. */
function selfContained(file: string): void {
  const d = new BetterSqlite3(file);
  try {
    d.pragma('journal_mode = DELETE');
  } finally {
    d.close();
  }
}

/** integrity_check, a Signaldesk schema, and a version this app can run; returns the schema version. */
export function checkCandidate(file: string, shown: string): number {
  let d: BetterSqlite3.Database;
  try {
    d = new BetterSqlite3(file);
  } catch (e) {
    throw refuse(`${shown} cannot be opened as a database: ${(e as Error).message}`, { path: shown });
  }
  try {
    let problems: string[];
    try {
      const rows = d.pragma('integrity_check(20)') as Array<Record<string, string>>;
      problems = rows.map((r) => String(Object.values(r)[0]));
    } catch (e) {
      throw refuse(`${shown} is damaged: ${(e as Error).message}`, { path: shown, problems: [(e as Error).message] });
    }
    if (!(problems.length === 1 && problems[0] === 'ok')) throw refuse(`${shown} failed the integrity check: ${problems.slice(0, 3).join('; ')}`, { path: shown, problems });
    const version = d.pragma('user_version', { simple: true }) as number;
    const hasSettings = d.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'").get() !== undefined;
    if (version < 1 || !hasSettings) throw refuse(`${shown} is not a Signaldesk database (no schema version or settings table)`, { path: shown, schemaVersion: version });
    if (version > LATEST_VERSION) {
      throw refuse(`${shown} is at schema version ${version}, newer than this Signaldesk supports (${LATEST_VERSION}): upgrade Signaldesk to restore it`, { path: shown, schemaVersion: version, supported: LATEST_VERSION });
    }
    d.pragma('journal_mode = DELETE');
    return version;
  } finally {
    d.close();
  }
}
