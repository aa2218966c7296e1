/**
 * Delivery jobs (one per event and target, pending until delivered, failed or dropped; pending
 * ones resume after a restart) and the attempt log (one row per attempt).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { DeliveryAttempt, DeliveryStatus } from '../../engine/api/commands/delivery';
import { StatementCache, where } from './filter';

export type JobState = 'pending' | 'delivered' | 'failed' | 'dropped';

export interface DeliveryJob {
  id: string;
  target: string;
  eventType: string;
  ref: string;
  /** The event as JSON-able data (its template is rendered from it at each attempt). */
  payload: unknown;
  eventTs: number;
  attempts: number;
  state: JobState;
  nextAt: number;
  createdAt: number;
}

interface JobRow {
  id: string;
  target: string;
  event_type: string;
  ref: string;
  payload: string;
  event_ts: number;
  attempts: number;
  state: string;
  next_at: number;
  created_at: number;
}

function rowToJob(r: JobRow): DeliveryJob {
  return {
    id: r.id,
    target: r.target,
    eventType: r.event_type,
    ref: r.ref,
    payload: JSON.parse(r.payload) as unknown,
    eventTs: r.event_ts,
    attempts: r.attempts,
    state: r.state as JobState,
    nextAt: r.next_at,
    createdAt: r.created_at,
  };
}
function jobToRow(j: DeliveryJob): JobRow {
  return {
    id: j.id,
    target: j.target,
    event_type: j.eventType,
    ref: j.ref,
    payload: JSON.stringify(j.payload),
    event_ts: j.eventTs,
    attempts: j.attempts,
    state: j.state,
    next_at: j.nextAt,
    created_at: j.createdAt,
  };
}

export class DeliveryJobsRepo {
  private readonly insertStmt: Statement<[JobRow]>;
  private readonly updateStmt: Statement<[{ id: string; attempts: number; state: string; next_at: number }]>;
  private readonly pendingStmt: Statement<[], JobRow>;
  private readonly getStmt: Statement<[string], JobRow>;
  constructor(db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO delivery_jobs (id, target, event_type, ref, payload, event_ts, attempts, state, next_at, created_at) VALUES (@id, @target, @event_type, @ref, @payload, @event_ts, @attempts, @state, @next_at, @created_at)',
    );
    this.updateStmt = db.prepare('UPDATE delivery_jobs SET attempts = @attempts, state = @state, next_at = @next_at WHERE id = @id');
    this.pendingStmt = db.prepare("SELECT * FROM delivery_jobs WHERE state = 'pending' ORDER BY next_at, created_at");
    this.getStmt = db.prepare('SELECT * FROM delivery_jobs WHERE id = ?');
  }
  insert(j: DeliveryJob): void {
    this.insertStmt.run(jobToRow(j));
  }
  update(j: Pick<DeliveryJob, 'id' | 'attempts' | 'state' | 'nextAt'>): void {
    this.updateStmt.run({ id: j.id, attempts: j.attempts, state: j.state, next_at: j.nextAt });
  }
  pending(): DeliveryJob[] {
    return this.pendingStmt.all().map(rowToJob);
  }
  get(id: string): DeliveryJob | undefined {
    const r = this.getStmt.get(id);
    return r ? rowToJob(r) : undefined;
  }
}

interface AttemptRow {
  id: number;
  delivery_id: string;
  target: string;
  event_type: string;
  ref: string;
  attempt: number;
  status: string;
  http_status: number | null;
  error: string | null;
  latency_ms: number;
  event_ts: number;
  ts: number;
  next_attempt_at: number | null;
}

function rowToAttempt(r: AttemptRow): DeliveryAttempt {
  return {
    id: r.id,
    deliveryId: r.delivery_id,
    target: r.target,
    eventType: r.event_type,
    ref: r.ref,
    attempt: r.attempt,
    status: r.status as DeliveryStatus,
    httpStatus: r.http_status,
    error: r.error,
    latencyMs: r.latency_ms,
    eventTs: r.event_ts,
    ts: r.ts,
    nextAttemptAt: r.next_attempt_at,
  };
}

export type NewAttempt = Omit<DeliveryAttempt, 'id'>;

export interface AttemptQuery {
  target?: string;
  status?: DeliveryStatus;
  since?: number;
  limit?: number;
}

export interface TargetCounts {
  target: string;
  sent: number;
  failed: number;
  retrying: number;
  dropped: number;
}

export class DeliveryAttemptsRepo {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[number], AttemptRow>;
  private readonly countsStmt: Statement<[number], TargetCounts>;
  private readonly latenciesStmt: Statement<[string, number], { latency_ms: number }>;
  private readonly lists: StatementCache;
  constructor(db: Database) {
    this.lists = new StatementCache(db);
    this.insertStmt = db.prepare(`INSERT INTO delivery_attempts (delivery_id, target, event_type, ref, attempt, status, http_status, error, latency_ms, event_ts, ts, next_attempt_at)
      VALUES (@deliveryId, @target, @eventType, @ref, @attempt, @status, @httpStatus, @error, @latencyMs, @eventTs, @ts, @nextAttemptAt)`);
    this.getStmt = db.prepare('SELECT * FROM delivery_attempts WHERE id = ?');
    this.countsStmt = db.prepare(`SELECT target, SUM(status = 'delivered') AS sent, SUM(status = 'failed') AS failed, SUM(status = 'retrying') AS retrying,
      SUM(status = 'dropped') AS dropped FROM delivery_attempts WHERE ts >= ? GROUP BY target ORDER BY target`);
    this.latenciesStmt = db.prepare("SELECT latency_ms FROM delivery_attempts WHERE target = ? AND status = 'delivered' AND ts >= ? ORDER BY latency_ms");
  }
  insert(a: NewAttempt): DeliveryAttempt {
    return { id: Number(this.insertStmt.run(a).lastInsertRowid), ...a };
  }
  get(id: number): DeliveryAttempt | undefined {
    const r = this.getStmt.get(id);
    return r ? rowToAttempt(r) : undefined;
  }
  /** The filtered list: one statement per WHERE shape, prepared once. */
  list(q: AttemptQuery): DeliveryAttempt[] {
    const f = where([
      ['target = ?', q.target],
      ['status = ?', q.status],
      ['ts >= ?', q.since],
    ]);
    return this.lists
      .get<AttemptRow>(`SELECT * FROM delivery_attempts${f.sql} ORDER BY id DESC LIMIT ?`)
      .all(...f.args, q.limit ?? 200)
      .map(rowToAttempt);
  }
  counts(since: number): TargetCounts[] {
    return this.countsStmt.all(since);
  }
  /** Latencies of delivered attempts of a target, ascending. */
  latencies(target: string, since: number): number[] {
    return this.latenciesStmt.all(target, since).map((r) => r.latency_ms);
  }
}
