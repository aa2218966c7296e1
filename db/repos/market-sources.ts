import type { Database } from 'better-sqlite3';
import { preparedOnce, type Prepare } from './filter';

/** A stored market source. `config` is the JSON of the public settings; keys are sealed apart. */
export interface SourceRow {
  id: string;
  kind: 'ccxt' | 'replay' | 'http_json';
  enabled: boolean;
  config: Record<string, unknown>;
  keysEnc: string | null;
  discovered: unknown;
  createdAt: number;
  updatedAt: number;
}

type Raw = { id: string; kind: 'ccxt' | 'replay' | 'http_json'; enabled: number; config: string; keys_enc: string | null; discovered: string | null; created_at: number; updated_at: number };
const fromRaw = (r: Raw): SourceRow => ({
  id: r.id,
  kind: r.kind,
  enabled: r.enabled === 1,
  config: JSON.parse(r.config) as Record<string, unknown>,
  keysEnc: r.keys_enc,
  discovered: r.discovered ? (JSON.parse(r.discovered) as unknown) : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class MarketSourcesRepo {
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
  }

  list(): SourceRow[] {
    return (this.prepare('SELECT * FROM market_sources ORDER BY created_at, id').all() as Raw[]).map(fromRaw);
  }

  get(id: string): SourceRow | undefined {
    const r = this.prepare('SELECT * FROM market_sources WHERE id = ?').get(id) as Raw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  insert(row: Omit<SourceRow, 'discovered'>): void {
    this.prepare
      ('INSERT INTO market_sources (id, kind, enabled, config, keys_enc, discovered, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)')
      .run(row.id, row.kind, row.enabled ? 1 : 0, JSON.stringify(row.config), row.keysEnc, row.createdAt, row.updatedAt);
  }

  update(id: string, patch: { enabled?: boolean; config?: Record<string, unknown>; keysEnc?: string | null; discovered?: unknown }, at: number): void {
    const sets: string[] = ['updated_at = @at'];
    const p: Record<string, unknown> = { id, at };
    if (patch.enabled !== undefined) {
      sets.push('enabled = @enabled');
      p['enabled'] = patch.enabled ? 1 : 0;
    }
    if (patch.config !== undefined) {
      sets.push('config = @config');
      p['config'] = JSON.stringify(patch.config);
    }
    if (patch.keysEnc !== undefined) {
      sets.push('keys_enc = @keys');
      p['keys'] = patch.keysEnc;
    }
    if (patch.discovered !== undefined) {
      sets.push('discovered = @discovered');
      p['discovered'] = patch.discovered === null ? null : JSON.stringify(patch.discovered);
    }
    this.prepare(`UPDATE market_sources SET ${sets.join(', ')} WHERE id = @id`).run(p);
  }

  remove(id: string): boolean {
    return this.prepare('DELETE FROM market_sources WHERE id = ?').run(id).changes > 0;
  }
}
