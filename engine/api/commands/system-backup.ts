/**
 * Backups and restore of the database, and settings export / import as JSON (secrets excluded).
 * A backup is SQLite's online backup of the live store; a restore validates the file and
 * restarts the engine on it, keeping the replaced database aside.
 */
import { z } from 'zod';
import { command, Empty } from './define';

export interface BackupResult {
  /** Where the backup was written (absolute). */
  path: string;
  bytes: number;
}

export interface BackupInfo {
  path: string;
  name: string;
  bytes: number;
  /** File modification time (ms). */
  createdAt: number;
  /** Taken by the daily schedule (kept to the last N), or on request. */
  auto: boolean;
}

export interface BackupsConfig {
  /** The default folder: <data dir>/backups. */
  dir: string;
  /** Automatic daily backups kept (setting `backups.keep`, default 7). */
  keep: number;
  lastAutoAt: number | null;
  nextAutoAt: number;
}

export interface RestoreResult {
  /** The backup the engine now runs on (copied into place). */
  path: string;
  /** Where the replaced database was kept. */
  replacedPath: string;
  schemaVersion: number;
  bytes: number;
  restartedAt: number;
}

/** The exported settings document. */
export const SETTINGS_FORMAT = 'signaldesk.settings';
export const SettingKey = z.string().min(1).max(120).regex(/^[a-zA-Z][a-zA-Z0-9_-]*(\.[a-zA-Z0-9_-]+)*$/, 'a setting name like backups.keep');
export const SettingsDocument = z
  .object({
    format: z.literal(SETTINGS_FORMAT),
    version: z.literal(1),
    exportedAt: z.number().int().nonnegative().optional(),
    appVersion: z.string().max(64).optional(),
    settings: z.record(SettingKey, z.json()),
  })
  .strict();
export type SettingsDocumentT = z.infer<typeof SettingsDocument>;

export interface SettingsImportResult {
  /** Settings written (their names). */
  applied: string[];
  /** Settings already equal, left as they were. */
  unchanged: string[];
  /** Whether the engine restarted so every part reads the new values. */
  restarted: boolean;
}

const FilePath = z.string().min(1).max(4096);

export const systemBackupCommands = {
  'system.backup': command<BackupResult>()(
    'Writes a consistent copy of the live database (SQLite online backup) into <data dir>/backups, or to `path` (inside exports/ or a folder you allowed; never over an existing file or the database, token, key or lock files).',
    z.object({ path: FilePath.optional() }).strict(),
  ),
  'system.backups.list': command<BackupInfo[]>()('Backups in <data dir>/backups, newest first.', Empty),
  'system.backups.config': command<BackupsConfig>()(
    'The backup schedule; `keep` sets how many automatic daily backups are kept (1–365, setting backups.keep).',
    z.object({ keep: z.number().int().min(1).max(365).optional() }).strict(),
  ),
  'system.restore': command<RestoreResult>()(
    'Validates a backup (integrity check, a Signaldesk schema not newer than this app) and restarts the engine on it, keeping the replaced database aside as signaldesk.db.replaced-<time>. A bad file is refused and nothing changes.',
    z.object({ path: FilePath }).strict(),
  ),
  'settings.export': command<SettingsDocumentT>()('The settings as one JSON document; secrets (tokens, keys, sealed values) and internal state are never included.', Empty),
  'settings.import': command<SettingsImportResult>()(
    'Applies a settings document from settings.export (validated first: a bad document changes nothing); the engine restarts when something changed.',
    z.object({ settings: SettingsDocument }).strict(),
  ),
} as const;
