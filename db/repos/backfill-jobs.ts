import type { Database } from 'better-sqlite3';
import type { BackfillJob, BackfillStatus } from '../../engine/api/commands/market';
import type { Timeframe } from '../../engine/api/timeframes';
import { preparedOnce, type Prepare } from './filter';

/** A stored job: the contract's BackfillJob without the figures derived at read time. */
export type BackfillJobRow = Omit<BackfillJob, 'progress' | 'etaMs' | 'candlesPerSec'>;

type Raw = {
  id: number; source: string; symbol: string; timeframe: Timeframe; since: number; until: number; cursor: number; status: BackfillStatus;
  expected: number; fetched: number; gaps_repaired: number; known_gaps: number; error: string | null; created_at: number; updated_at: number; finished_at: number | null;
};
const fromRaw = (r: Raw): BackfillJobRow => ({
  id: r.id,
  source: r.source,
  symbol: r.symbol,
  timeframe: r.timeframe,
  since: r.since,
  until: r.until,
  cursor: r.cursor,
  status: r.status,
  expected: r.expected,
  fetched: r.fetched,
  gapsRepaired: r.gaps_repaired,
  knownGaps: r.known_gaps,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
});

/** Back-fill jobs: the cursor is saved with every page, so a restart resumes where it stopped. */
export class BackfillJobsRepo {
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
  }

  create(j: Pick<BackfillJobRow, 'source' | 'symbol' | 'timeframe' | 'since' | 'until' | 'expected'>, at: number): BackfillJobRow {
    const r = this.prepare
      (
        `INSERT INTO backfill_jobs (source, symbol, timeframe, since, until, cursor, status, expected, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(j.source, j.symbol, j.timeframe, j.since, j.until, j.since, j.expected, at, at);
    return this.get(Number(r.lastInsertRowid))!;
  }

  get(id: number): BackfillJobRow | undefined {
    const r = this.prepare('SELECT * FROM backfill_jobs WHERE id = ?').get(id) as Raw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  /** The unfinished job for the same key and range, if any (a repeated request resumes it). */
  findActive(source: string, symbol: string, timeframe: string): BackfillJobRow | undefined {
    const r = this.prepare
      ("SELECT * FROM backfill_jobs WHERE source = ? AND symbol = ? AND timeframe = ? AND status IN ('queued', 'running', 'repairing') ORDER BY id LIMIT 1")
      .get(source, symbol, timeframe) as Raw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  unfinished(): BackfillJobRow[] {
    return (this.prepare("SELECT * FROM backfill_jobs WHERE status IN ('queued', 'running', 'repairing') ORDER BY id").all() as Raw[]).map(fromRaw);
  }

  list(source?: string, limit = 100): BackfillJobRow[] {
    const rows = source
      ? this.prepare('SELECT * FROM backfill_jobs WHERE source = ? ORDER BY id DESC LIMIT ?').all(source, limit)
      : this.prepare('SELECT * FROM backfill_jobs ORDER BY id DESC LIMIT ?').all(limit);
    return (rows as Raw[]).map(fromRaw);
  }

  update(id: number, p: Partial<Pick<BackfillJobRow, 'cursor' | 'status' | 'fetched' | 'gapsRepaired' | 'knownGaps' | 'error' | 'finishedAt' | 'expected'>>, at: number): void {
    const cols: Record<string, string> = {
      cursor: 'cursor',
      status: 'status',
      fetched: 'fetched',
      gapsRepaired: 'gaps_repaired',
      knownGaps: 'known_gaps',
      error: 'error',
      finishedAt: 'finished_at',
      expected: 'expected',
    };
    const sets = ['updated_at = @updatedAt'];
    const params: Record<string, unknown> = { id, updatedAt: at };
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined) continue;
      sets.push(`${cols[k]} = @${k}`);
      params[k] = v;
    }
    this.prepare(`UPDATE backfill_jobs SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }
}
