/**
 * Settings export / import as one JSON document. Exported: the rows of the settings table that
 * are the trader's choices. Never exported (nor accepted on import): secrets (any field named
 * like a token, key, secret, password or sealed value) and internal state (the kill switch, risk
 * stages, first-start markers, the sim seed). An import is validated whole before anything is
 * written: one bad entry refuses it all, naming the entry.
 */
import { z } from 'zod';
import type { Database } from '../../db/database';
import { SettingsRepo } from '../../db/repos/settings';
import { ApiError } from '../api/errors';
import { SETTINGS_FORMAT, type SettingsDocumentT, type SettingsImportResult } from '../api/commands/system-backup';

/** Internal state kept in the settings table: never exported, refused on import. */
const STATE_KEYS = [/^orders\.killSwitch$/, /^orders\.riskStage\./, /\.startersCreated$/, /^signals\.starterChannel$/, /^signals\.paused$/, /^delivery\.telegram\.ignored$/, /^sim\.seed$/];
/** A field (or setting name part) that holds a secret. */
const SECRET_NAME = /(secret|token|password|passphrase|sealed|api_?key|private_?key|^key$)/i;

/** Known settings and the shape each must have; others are taken as any JSON value. */
const KNOWN: Record<string, z.ZodType> = {
  'backups.keep': z.number().int().min(1).max(365),
  'files.allowedFolders': z.array(z.string().min(1).max(4096).refine((s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s), 'an absolute folder path')).max(100),
  'files.maxImportBytes': z.number().int().positive(),
  'intake.listener': z.object({ enabled: z.boolean(), port: z.number().int().min(1).max(65_535) }).strict(),
  'delivery.telegram': z.object({ enabled: z.boolean(), chatIds: z.array(z.string().max(64)).max(100), apiRoot: z.string().max(2000).nullable() }).strict(),
  'health.eventLoopDelayMs': z.number().positive(),
  'health.heartbeatStaleMs': z.number().positive(),
  'health.dbMaxBytes': z.number().positive(),
  'health.walMaxBytes': z.number().positive(),
  'health.deliveryFailures': z.number().int().positive(),
};

const isState = (key: string): boolean => STATE_KEYS.some((r) => r.test(key));
const isSecretKey = (key: string): boolean => key.split('.').some((part) => SECRET_NAME.test(part));

/** The value without its secret fields (recursively). */
function scrub(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(scrub);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!SECRET_NAME.test(k)) out[k] = scrub(x);
    return out;
  }
  return v;
}

/** The path of the first secret field in a value, or null. */
function secretPath(v: unknown, at: string): string | null {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = secretPath(v[i], `${at}.${i}`);
      if (p) return p;
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (SECRET_NAME.test(k)) return `${at}.${k}`;
      const p = secretPath(x, `${at}.${k}`);
      if (p) return p;
    }
  }
  return null;
}

/** The secret fields of the stored value, kept when an import replaces an object setting. */
function keptSecrets(stored: unknown): Record<string, unknown> {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return {};
  return Object.fromEntries(Object.entries(stored).filter(([k]) => SECRET_NAME.test(k)));
}

function bad(field: string, message: string): ApiError {
  return new ApiError('BAD_INPUT', `${field}: ${message}`, { field });
}

export class SettingsTransfer {
  private readonly repo: SettingsRepo;
  constructor(
    private readonly db: Database,
    private readonly appVersion: string,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.repo = new SettingsRepo(db);
  }

  export(): SettingsDocumentT {
    const rows = this.db.prepare('SELECT key, value FROM settings ORDER BY key').all() as Array<{ key: string; value: string }>;
    const settings: Record<string, z.infer<ReturnType<typeof z.json>>> = {};
    for (const r of rows) {
      if (isState(r.key) || isSecretKey(r.key)) continue;
      let v: unknown;
      try {
        v = JSON.parse(r.value);
      } catch {
        continue;
      }
      settings[r.key] = scrub(v) as z.infer<ReturnType<typeof z.json>>;
    }
    return { format: SETTINGS_FORMAT, version: 1, exportedAt: this.wallNow(), appVersion: this.appVersion, settings };
  }

  /** Validates every entry, then writes the changed ones in one transaction. */
  import(doc: SettingsDocumentT): SettingsImportResult {
    const writes: Array<[string, unknown]> = [];
    const unchanged: string[] = [];
    for (const [key, value] of Object.entries(doc.settings)) {
      const field = `settings.settings.${key}`;
      if (isState(key)) throw bad(field, 'internal state, not a setting: it is never imported');
      if (isSecretKey(key)) throw bad(field, 'secrets are never imported; set them where they are used');
      const secret = secretPath(value, field);
      if (secret) throw bad(secret, 'secrets are never imported; set them where they are used');
      const schema = KNOWN[key];
      if (schema) {
        const r = schema.safeParse(value);
        if (!r.success) {
          const i = r.error.issues[0]!;
          throw bad([field, ...i.path.map(String)].join('.'), i.message);
        }
      }
      const stored = this.repo.get<unknown>(key);
      const next = value && typeof value === 'object' && !Array.isArray(value) ? { ...value, ...keptSecrets(stored) } : value;
      if (JSON.stringify(stored) === JSON.stringify(next)) unchanged.push(key);
      else writes.push([key, next]);
    }
    this.db.transaction(() => {
      for (const [k, v] of writes) this.repo.set(k, v);
    })();
    return { applied: writes.map(([k]) => k), unchanged, restarted: false };
  }
}
