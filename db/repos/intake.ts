/**
 * Intake repositories: inbound sources (sealed secret, JSON config), inbound events with their
 * timeline (idempotency key unique per source), AI providers and their decisions.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { AiOpinion, IntakeEvent, IntakeStatus, TimelineStep } from '../../engine/api/commands/intake';
import type { DeliveryTarget } from '../../engine/api/commands/signals';
import { preparedOnce, type Prepare } from './filter';

// ─────────────────────────────── sources ───────────────────────────────

export interface SourceConfig {
  aiReview: 'off' | 'advise' | 'gate';
  delivery: DeliveryTarget[];
  autopilot: boolean;
  gates: { staleBars: number; maxAgeSeconds: number; maxDriftPct: number };
  minConfidence: number;
  maxPerDay: number;
  cooldownMinutes: number;
  profile: string;
  timeframe: string;
}
export interface SourceRecord {
  id: number;
  name: string;
  enabled: boolean;
  market: string;
  channelId: number;
  config: SourceConfig;
  secretSealed: string;
  createdAt: number;
  updatedAt: number;
}
interface SourceRow {
  id: number;
  name: string;
  enabled: number;
  market: string;
  channel_id: number;
  config: string;
  secret_sealed: string;
  created_at: number;
  updated_at: number;
}
const toSource = (r: SourceRow): SourceRecord => ({
  id: r.id,
  name: r.name,
  enabled: r.enabled === 1,
  market: r.market,
  channelId: r.channel_id,
  config: JSON.parse(r.config) as SourceConfig,
  secretSealed: r.secret_sealed,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class IntakeSourcesRepo {
  private readonly getStmt: Statement<[number], SourceRow>;
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
    this.getStmt = db.prepare('SELECT * FROM intake_sources WHERE id = ? AND deleted_at IS NULL');
  }
  list(): SourceRecord[] {
    return this.prepare<[], SourceRow>('SELECT * FROM intake_sources WHERE deleted_at IS NULL ORDER BY id').all().map(toSource);
  }
  get(id: number): SourceRecord | undefined {
    const r = this.getStmt.get(id);
    return r ? toSource(r) : undefined;
  }
  insert(d: Omit<SourceRecord, 'id' | 'createdAt' | 'updatedAt'>, now: number): SourceRecord {
    const id = Number(
      this.prepare
        ('INSERT INTO intake_sources (name, enabled, market, channel_id, config, secret_sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(d.name, d.enabled ? 1 : 0, d.market, d.channelId, JSON.stringify(d.config), d.secretSealed, now, now).lastInsertRowid,
    );
    return this.get(id)!;
  }
  update(id: number, d: Omit<SourceRecord, 'id' | 'createdAt' | 'updatedAt' | 'channelId'>, now: number): SourceRecord {
    this.prepare
      ('UPDATE intake_sources SET name = ?, enabled = ?, market = ?, config = ?, secret_sealed = ?, updated_at = ? WHERE id = ?')
      .run(d.name, d.enabled ? 1 : 0, d.market, JSON.stringify(d.config), d.secretSealed, now, id);
    return this.get(id)!;
  }
  delete(id: number, now: number): boolean {
    return this.prepare('UPDATE intake_sources SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id).changes > 0;
  }
}

// ─────────────────────────────── events ───────────────────────────────

interface EventRow {
  id: number;
  source_id: number;
  idempotency_key: string | null;
  status: string;
  payload: string;
  timeline: string;
  reject_code: string | null;
  reject_detail: string | null;
  signal_id: number | null;
  enrichment: string | null;
  opinions: string;
  step: string | null;
  error: string | null;
  attempts: number;
  created_at: number;
}
const toEvent = (r: EventRow): IntakeEvent => ({
  id: r.id,
  sourceId: r.source_id,
  status: r.status as IntakeStatus,
  timeline: JSON.parse(r.timeline) as TimelineStep[],
  rejectCode: r.reject_code,
  rejectDetail: r.reject_detail,
  signalId: r.signal_id,
  enrichment: r.enrichment === null ? null : (JSON.parse(r.enrichment) as Record<string, unknown>),
  opinions: JSON.parse(r.opinions) as AiOpinion[],
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  idempotencyKey: r.idempotency_key,
  step: r.step,
  error: r.error,
  attempts: r.attempts,
  createdAt: r.created_at,
});

export interface EventPatch {
  status: IntakeStatus;
  detail?: string;
  rejectCode?: string | null;
  rejectDetail?: string | null;
  signalId?: number | null;
  enrichment?: Record<string, unknown> | null;
  opinions?: AiOpinion[];
  step?: string | null;
  error?: string | null;
  attempts?: number;
}

export class IntakeEventsRepo {
  private readonly stmt: {
    byKey: Statement<[number, string], { id: number }>;
    insert: Statement;
    get: Statement<[number], EventRow>;
  };
  /** UPDATE statements by the set of columns a step writes (prepared once each). */
  private readonly updates = new Map<string, Statement>();

  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
    this.stmt = {
      byKey: db.prepare('SELECT id FROM intake_events WHERE source_id = ? AND idempotency_key = ?'),
      insert: db.prepare(
        `INSERT INTO intake_events (source_id, idempotency_key, status, payload, timeline, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (source_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
      ),
      get: db.prepare('SELECT * FROM intake_events WHERE id = ?'),
    };
  }

  byKey(sourceId: number, key: string): number | undefined {
    return this.stmt.byKey.get(sourceId, key)?.id;
  }

  /**
   * Inserts a received + validated event; for an idempotency key already seen, returns the first
   * event's id. A new event comes back as it is stored (no read-back).
   */
  insert(sourceId: number, key: string | null, payload: Record<string, unknown>, timeline: TimelineStep[], now: number): { id: number; duplicate: boolean; event?: IntakeEvent } {
    const status = timeline[timeline.length - 1]!.status;
    const r = this.stmt.insert.run(sourceId, key, status, JSON.stringify(payload), JSON.stringify(timeline), now, now);
    if (r.changes === 0 && key !== null) return { id: this.byKey(sourceId, key)!, duplicate: true };
    const id = Number(r.lastInsertRowid);
    const event: IntakeEvent = { id, sourceId, status, timeline, rejectCode: null, rejectDetail: null, signalId: null, enrichment: null, opinions: [], payload, idempotencyKey: key, step: null, error: null, attempts: 0, createdAt: now };
    return { id, duplicate: false, event };
  }

  get(id: number): IntakeEvent | undefined {
    const r = this.stmt.get.get(id);
    return r ? toEvent(r) : undefined;
  }

  /**
   * Appends a timeline step (and the fields given) in one statement. `cur` is the event as the
   * caller holds it (the pipeline keeps it in memory); without it the row is read first. Only the
   * columns the step changes are written.
   */
  advance(id: number, p: EventPatch, now: number, cur: IntakeEvent | undefined = this.get(id)): IntakeEvent {
    if (!cur) throw new Error(`intake event ${id} does not exist`);
    const step: TimelineStep = p.detail === undefined ? { status: p.status, at: now } : { status: p.status, at: now, detail: p.detail };
    const next: IntakeEvent = {
      ...cur,
      status: p.status,
      timeline: [...cur.timeline, step],
      rejectCode: p.rejectCode !== undefined ? p.rejectCode : cur.rejectCode,
      rejectDetail: p.rejectDetail !== undefined ? p.rejectDetail : cur.rejectDetail,
      signalId: p.signalId !== undefined ? p.signalId : cur.signalId,
      enrichment: p.enrichment !== undefined ? p.enrichment : cur.enrichment,
      opinions: p.opinions ?? cur.opinions,
      step: p.step !== undefined ? p.step : cur.step,
      error: p.error !== undefined ? p.error : cur.error,
      attempts: p.attempts ?? cur.attempts,
    };
    const cols: Array<[string, unknown]> = [
      ['status', next.status],
      ['timeline', JSON.stringify(next.timeline)],
    ];
    if (p.rejectCode !== undefined) cols.push(['reject_code', next.rejectCode]);
    if (p.rejectDetail !== undefined) cols.push(['reject_detail', next.rejectDetail]);
    if (p.signalId !== undefined) cols.push(['signal_id', next.signalId]);
    if (p.enrichment !== undefined) cols.push(['enrichment', next.enrichment === null ? null : JSON.stringify(next.enrichment)]);
    if (p.opinions !== undefined) cols.push(['opinions', JSON.stringify(next.opinions)]);
    if (p.step !== undefined) cols.push(['step', next.step]);
    if (p.error !== undefined) cols.push(['error', next.error]);
    if (p.attempts !== undefined) cols.push(['attempts', next.attempts]);
    const key = cols.map(([c]) => c).join(',');
    let st = this.updates.get(key);
    if (!st) this.updates.set(key, (st = this.prepare(`UPDATE intake_events SET ${cols.map(([c]) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)));
    st.run(...cols.map(([, v]) => v), now, id);
    return next;
  }

  list(q: { source?: number; status?: IntakeStatus; since?: number; limit?: number }): IntakeEvent[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    const add = (clause: string, v: string | number | undefined): void => {
      if (v === undefined) return;
      where.push(clause);
      args.push(v);
    };
    add('source_id = ?', q.source);
    add('status = ?', q.status);
    add('created_at >= ?', q.since);
    const sql = `SELECT * FROM intake_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.prepare<Array<string | number>, EventRow>(sql).all(...args, q.limit ?? 100).map(toEvent);
  }

  /** Events left mid-pipeline by a stop (received … evaluated), oldest first. */
  unfinished(): IntakeEvent[] {
    return this.prepare
      <[], EventRow>("SELECT * FROM intake_events WHERE status IN ('received', 'validated', 'enriched', 'evaluated') ORDER BY id")
      .all()
      .map(toEvent);
  }
}

// ─────────────────────────────── AI providers ───────────────────────────────

export interface ProviderRecord {
  id: number;
  name: string;
  baseUrl: string;
  model: string;
  apiKeySealed: string | null;
  timeoutMs: number;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}
interface ProviderRow {
  id: number;
  name: string;
  base_url: string;
  model: string;
  api_key_sealed: string | null;
  timeout_ms: number;
  enabled: number;
  created_at: number;
  updated_at: number;
}
const toProvider = (r: ProviderRow): ProviderRecord => ({
  id: r.id,
  name: r.name,
  baseUrl: r.base_url,
  model: r.model,
  apiKeySealed: r.api_key_sealed,
  timeoutMs: r.timeout_ms,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface DecisionRow {
  providerId: number;
  eventId: number | null;
  status: string;
  verdict: string;
  confidence: number;
  promptVersion: string;
  promptHash: string;
  latencyMs: number;
  tokens: number;
  raw: string | null;
}

export class AiProvidersRepo {
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
  }
  list(): ProviderRecord[] {
    return this.prepare<[], ProviderRow>('SELECT * FROM ai_providers WHERE deleted_at IS NULL ORDER BY id').all().map(toProvider);
  }
  get(id: number): ProviderRecord | undefined {
    const r = this.prepare<[number], ProviderRow>('SELECT * FROM ai_providers WHERE id = ? AND deleted_at IS NULL').get(id);
    return r ? toProvider(r) : undefined;
  }
  insert(d: Omit<ProviderRecord, 'id' | 'createdAt' | 'updatedAt'>, now: number): ProviderRecord {
    const id = Number(
      this.prepare
        ('INSERT INTO ai_providers (name, base_url, model, api_key_sealed, timeout_ms, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(d.name, d.baseUrl, d.model, d.apiKeySealed, d.timeoutMs, d.enabled ? 1 : 0, now, now).lastInsertRowid,
    );
    return this.get(id)!;
  }
  update(id: number, d: Omit<ProviderRecord, 'id' | 'createdAt' | 'updatedAt'>, now: number): ProviderRecord {
    this.prepare
      ('UPDATE ai_providers SET name = ?, base_url = ?, model = ?, api_key_sealed = ?, timeout_ms = ?, enabled = ?, updated_at = ? WHERE id = ?')
      .run(d.name, d.baseUrl, d.model, d.apiKeySealed, d.timeoutMs, d.enabled ? 1 : 0, now, id);
    return this.get(id)!;
  }
  delete(id: number, now: number): boolean {
    return this.prepare('UPDATE ai_providers SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id).changes > 0;
  }
  recordDecision(d: DecisionRow, now: number): void {
    this.prepare
      ('INSERT INTO ai_decisions (provider_id, event_id, status, verdict, confidence, prompt_version, prompt_hash, latency_ms, tokens, raw, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(d.providerId, d.eventId, d.status, d.verdict, d.confidence, d.promptVersion, d.promptHash, d.latencyMs, d.tokens, d.raw, now);
  }
  /** Metrics from the stored decisions (latencies of the last 1,000 calls). */
  metrics(providerId: number): { calls: number; tokens: number; errors: number; invalidOutputs: number; latencies: number[] } {
    const agg = this.prepare
      <[number], { calls: number; tokens: number | null; errors: number | null; invalid: number | null }>(
        `SELECT COUNT(*) AS calls, SUM(tokens) AS tokens, SUM(status IN ('error', 'timeout')) AS errors, SUM(status = 'invalid_output') AS invalid
         FROM ai_decisions WHERE provider_id = ?`,
      )
      .get(providerId)!;
    const latencies = this.prepare
      <[number], { l: number }>('SELECT latency_ms AS l FROM ai_decisions WHERE provider_id = ? ORDER BY id DESC LIMIT 1000')
      .all(providerId)
      .map((r) => r.l);
    return { calls: agg.calls, tokens: agg.tokens ?? 0, errors: agg.errors ?? 0, invalidOutputs: agg.invalid ?? 0, latencies };
  }
}
