/**
 * Where commands may read and write files. A path given to market.import, market.export or a
 * replay source is resolved (symlinks included) and must land inside the data directory's
 * `imports/` or `exports/` folder, or a folder the user allowed (files.folders.add; the desktop's
 * file dialogs add the folder of the file chosen). Relative paths are taken from `imports/`
 * (reads) or `exports/` (writes). Reads take regular files only, opened without blocking (a FIFO
 * or device is refused, never waited on), up to a size cap. Writes never replace the database,
 * the token, a key or lock file, or an existing file unless `overwrite` is set; they go through a
 * temporary file in the same folder that is always removed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../db/database';
import { SettingsRepo } from '../../db/repos/settings';
import { ApiError } from '../api/errors';

export const IMPORTS_DIR = 'imports';
export const EXPORTS_DIR = 'exports';
export const ALLOWED_FOLDERS_KEY = 'files.allowedFolders';
export const MAX_IMPORT_BYTES_KEY = 'files.maxImportBytes';
/** Reads are capped at 1 GB unless the setting says otherwise. */
export const DEFAULT_MAX_IMPORT_BYTES = 1_000_000_000;

/** Files in the data directory no command may write (or read), whatever folder is allowed. */
const PROTECTED = /^(signaldesk\.db(-wal|-shm|-journal)?|token|signaldesk\.lock|.*\.key)$/;

export interface FolderList {
  dataDir: string;
  imports: string;
  exports: string;
  allowed: string[];
  maxImportBytes: number;
}

const inside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function unprocessable(message: string, details: Record<string, unknown>): ApiError {
  return new ApiError('UNPROCESSABLE', message, details);
}

export class FilePolicy {
  private readonly settings: SettingsRepo;
  readonly dataDir: string;

  constructor(db: Database, dataDir: string) {
    this.settings = new SettingsRepo(db);
    this.dataDir = realOrSelf(dataDir);
  }

  importsDir(): string {
    return this.ensureDir(IMPORTS_DIR);
  }
  exportsDir(): string {
    return this.ensureDir(EXPORTS_DIR);
  }
  private ensureDir(name: string): string {
    const dir = path.join(this.dataDir, name);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  allowed(): string[] {
    const v = this.settings.get<unknown>(ALLOWED_FOLDERS_KEY);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }
  maxImportBytes(): number {
    const v = this.settings.get<unknown>(MAX_IMPORT_BYTES_KEY);
    return typeof v === 'number' && v > 0 ? v : DEFAULT_MAX_IMPORT_BYTES;
  }
  list(): FolderList {
    return { dataDir: this.dataDir, imports: this.importsDir(), exports: this.exportsDir(), allowed: this.allowed(), maxImportBytes: this.maxImportBytes() };
  }

  /** Adds a folder the user chose: an existing directory, stored resolved. */
  addFolder(p: string): FolderList {
    if (!path.isAbsolute(p)) throw new ApiError('BAD_INPUT', 'path: a folder must be given as an absolute path', { field: 'path' });
    let real: string;
    try {
      real = fs.realpathSync(p);
    } catch {
      throw unprocessable(`No such folder: ${p}`, { field: 'path' });
    }
    if (!fs.statSync(real).isDirectory()) throw unprocessable(`Not a folder: ${p}`, { field: 'path' });
    if (real === path.parse(real).root) throw unprocessable('The root of the file system cannot be allowed; choose a folder', { field: 'path' });
    if (inside(real, this.dataDir)) throw unprocessable(`Inside the data directory only ${IMPORTS_DIR}/ and ${EXPORTS_DIR}/ are used; they are always allowed`, { field: 'path' });
    const list = this.allowed();
    if (!list.includes(real)) this.settings.set(ALLOWED_FOLDERS_KEY, [...list, real]);
    return this.list();
  }

  setMaxImportBytes(n: number): FolderList {
    this.settings.set(MAX_IMPORT_BYTES_KEY, n);
    return this.list();
  }

  removeFolder(p: string): FolderList {
    const list = this.allowed();
    const real = realOrSelf(p);
    const next = list.filter((x) => x !== p && x !== real);
    if (next.length === list.length) throw new ApiError('NOT_FOUND', `Not an allowed folder: ${p}`, { field: 'path' });
    this.settings.set(ALLOWED_FOLDERS_KEY, next);
    return this.list();
  }

  private roots(write: boolean): string[] {
    const own = write ? [this.exportsDir()] : [this.importsDir(), this.exportsDir()];
    return [...own.map(realOrSelf), ...this.allowed().map(realOrSelf)];
  }

  private outside(p: string, write: boolean): ApiError {
    return unprocessable(
      `${p} is outside the folders files may be ${write ? 'written to' : 'read from'}: the data directory's ${write ? `${EXPORTS_DIR}/` : `${IMPORTS_DIR}/ or ${EXPORTS_DIR}/`} folder, or a folder you allowed (files.folders.add, or choose the file in the desktop's dialog)`,
      { path: p, folders: this.roots(write) },
    );
  }

  private checkPlace(real: string, shown: string, write: boolean): void {
    if (inside(real, this.dataDir)) {
      const rel = path.relative(this.dataDir, real).split(path.sep);
      if (rel[0] !== IMPORTS_DIR && rel[0] !== EXPORTS_DIR) throw this.outside(shown, write);
    }
    if (PROTECTED.test(path.basename(real)) && inside(real, this.dataDir)) throw this.outside(shown, write);
    if (!this.roots(write).some((r) => inside(real, r))) throw this.outside(shown, write);
  }

  private absolute(p: string, write: boolean): string {
    if (p.includes('\0')) throw new ApiError('BAD_INPUT', 'path: contains a NUL byte', { field: 'path' });
    return path.isAbsolute(p) ? path.resolve(p) : path.resolve(write ? this.exportsDir() : this.importsDir(), p);
  }

  /** Resolves a path to read: a regular file inside the allowed folders. */
  resolveRead(p: string): string {
    const abs = this.absolute(p, false);
    let real: string;
    try {
      real = fs.realpathSync(abs);
    } catch {
      this.checkPlace(realOrSelf(path.dirname(abs)), p, false);
      throw unprocessable(`No such file: ${p}`, { path: p });
    }
    this.checkPlace(real, p, false);
    const st = fs.statSync(real);
    if (!st.isFile()) throw unprocessable(`${p} is not a regular file (a folder, FIFO or device cannot be read)`, { path: p });
    return real;
  }

  /** Reads a regular file as UTF-8 text, at most maxImportBytes, without ever blocking on it. */
  async readText(p: string): Promise<{ real: string; text: string }> {
    const real = this.resolveRead(p);
    const fh = await fs.promises.open(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
    try {
      const st = await fh.stat();
      const max = this.maxImportBytes();
      this.checkOpened(st, p, max);
      const buf = Buffer.alloc(st.size);
      let off = 0;
      while (off < st.size) {
        const { bytesRead } = await fh.read(buf, off, st.size - off, off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return { real, text: decode(buf.subarray(0, off), p) };
    } finally {
      await fh.close();
    }
  }

  /** The same, synchronously (a replay source starting with the engine); bounded the same way. */
  readTextSync(p: string): { real: string; text: string } {
    const real = this.resolveRead(p);
    const fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
    try {
      const st = fs.fstatSync(fd);
      this.checkOpened(st, p, this.maxImportBytes());
      const buf = Buffer.alloc(st.size);
      let off = 0;
      while (off < st.size) {
        const n = fs.readSync(fd, buf, off, st.size - off, off);
        if (n === 0) break;
        off += n;
      }
      return { real, text: decode(buf.subarray(0, off), p) };
    } finally {
      fs.closeSync(fd);
    }
  }

  private checkOpened(st: fs.Stats, p: string, max: number): void {
    if (!st.isFile()) throw unprocessable(`${p} is not a regular file (a folder, FIFO or device cannot be read)`, { path: p });
    if (st.size > max) throw unprocessable(`${p} is ${st.size} bytes, over the import limit of ${max} bytes`, { path: p, size: st.size, maxBytes: max });
  }

  /** Resolves a path to write: inside exports/ or an allowed folder, in an existing folder, never a protected file. */
  resolveWrite(p: string, overwrite: boolean): string {
    const abs = this.absolute(p, true);
    const dir = path.dirname(abs);
    let realDir: string;
    try {
      realDir = fs.realpathSync(dir);
    } catch {
      throw unprocessable(`The folder of ${p} does not exist (folders are not created)`, { path: p });
    }
    if (!fs.statSync(realDir).isDirectory()) throw unprocessable(`The folder of ${p} is not a folder`, { path: p });
    const target = path.join(realDir, path.basename(abs));
    this.checkPlace(target, p, true);
    let st: fs.Stats | null = null;
    try {
      st = fs.lstatSync(target);
    } catch {
      st = null;
    }
    if (st) {
      if (!st.isFile()) throw unprocessable(`${p} exists and is not a regular file (a link, folder or device is never replaced)`, { path: p });
      if (!overwrite) throw new ApiError('CONFLICT', `${p} already exists; pass overwrite: true to replace it`, { path: p, field: 'overwrite' });
    }
    return target;
  }

  /** Writes text to a resolved target through a temporary file in the same folder, removed whatever happens. */
  async writeText(target: string, text: string, overwrite: boolean, shown: string): Promise<void> {
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
    try {
      await fs.promises.writeFile(tmp, text, { flag: 'wx', mode: 0o600 });
      if (overwrite) await fs.promises.rename(tmp, target);
      else await fs.promises.link(tmp, target); // fails if the file appeared meanwhile: never replaced
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new ApiError('CONFLICT', `${shown} already exists; pass overwrite: true to replace it`, { path: shown, field: 'overwrite' });
      throw unprocessable(`Cannot write ${shown}: ${code ?? (e as Error).message}`, { path: shown });
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  }
}

function decode(buf: Buffer, p: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw unprocessable(`${p} is not UTF-8 text`, { path: p });
  }
}
