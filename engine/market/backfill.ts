/**
 * Back-fill jobs: page through [since, until) within the exchange's per-request limit, writing
 * each page and the job's cursor in one transaction (so a restart resumes exactly where it
 * stopped and nothing is fetched twice into two rows: candles are keyed by open time). Then
 * repair: missing bars inside the range are fetched again; what the exchange still lacks is
 * recorded as a known gap and never retried. Progress (with ETA) is published per page.
 */
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';
import type { BackfillJob } from '../api/commands/market';
import type { Database } from '../../db/database';
import type { CandlesRepo } from '../../db/repos/candles';
import type { BackfillJobRow, BackfillJobsRepo } from '../../db/repos/backfill-jobs';
import type { GapsRepo } from '../../db/repos/gaps';
import { CollectorFault, PERMANENT } from './faults';
import type { FeedState } from './health';

export interface OhlcvFetcher {
  /** Up to `limit` rows with open time ≥ since (and < until when given), ascending. */
  fetch(feed: FeedState | null, symbol: string, tf: Timeframe, since: number, limit: number, until: number): Promise<Ohlcv[]>;
  readonly pageLimit: number;
  feed(symbol: string, tf: Timeframe): FeedState | null;
  readonly active: boolean;
}

export interface BackfillDeps {
  db: Database;
  candles: CandlesRepo;
  jobs: BackfillJobsRepo;
  gaps: GapsRepo;
  now: () => number;
  realNow: () => number;
  publish: (job: BackfillJob) => void;
  /** Bars stored by a back-fill (the live poller learns the newest). */
  stored?: (source: string, symbol: string, tf: Timeframe, newest: number) => void;
}

/** Bars per write transaction. */
const WRITE_CHUNK = 250;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export function toJob(r: BackfillJobRow, rate: number | null): BackfillJob {
  const span = Math.max(1, r.until - r.since);
  const done = r.status === 'done';
  const progress = done ? 1 : Math.min(1, Math.max(0, (r.cursor - r.since) / span)) * (r.status === 'repairing' ? 1 : 0.98);
  const remainingBars = Math.max(0, Math.round((r.until - r.cursor) / TIMEFRAME_MS[r.timeframe]));
  const eta = done || r.status === 'failed' || r.status === 'canceled' ? 0 : rate && rate > 0 ? Math.round((remainingBars / rate) * 1000) : null;
  return { ...r, progress: Math.round(progress * 1000) / 1000, etaMs: eta, candlesPerSec: rate === null ? null : Math.round(rate) };
}

export class BackfillRunner {
  private readonly canceled = new Set<number>();
  private readonly running = new Map<number, Promise<void>>();
  private readonly rates = new Map<number, number>();
  stopped = false;

  constructor(private readonly d: BackfillDeps) {}

  rate(id: number): number | null {
    return this.rates.get(id) ?? null;
  }

  cancel(id: number): void {
    this.canceled.add(id);
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  /** Runs a job to its end (idempotent: a job already running is not started twice). */
  run(jobId: number, src: () => OhlcvFetcher | null): Promise<void> {
    let p = this.running.get(jobId);
    if (!p) {
      p = this.exec(jobId, src)
        .catch((e: unknown) => {
          if (this.stopped) return;
          const msg = e instanceof Error ? e.message : String(e);
          this.update(jobId, { status: 'failed', error: msg, finishedAt: this.d.realNow() });
        })
        // Even recording the failure can fail (storage): logged, never an unhandled rejection.
        .catch((e: unknown) => console.error(`[collector] back-fill ${jobId} failed and could not be recorded:`, (e as Error).message))
        .finally(() => {
          this.running.delete(jobId);
          this.rates.delete(jobId);
        });
      this.running.set(jobId, p);
    }
    return p;
  }

  private update(id: number, p: Parameters<BackfillJobsRepo['update']>[1]): BackfillJobRow | undefined {
    if (this.stopped) return undefined;
    this.d.jobs.update(id, p, this.d.realNow());
    const j = this.d.jobs.get(id);
    if (j) this.d.publish(toJob(j, this.rates.get(id) ?? null));
    return j;
  }

  private halted(id: number): boolean {
    return this.stopped || this.canceled.has(id);
  }

  /** Fetches one page, waiting out open circuits / back-off; permanent errors end the job. */
  private async page(id: number, src: () => OhlcvFetcher | null, symbol: string, tf: Timeframe, since: number, until: number): Promise<Ohlcv[] | null> {
    let waiting = false;
    for (;;) {
      if (this.halted(id)) return null;
      const f = src();
      if (!f || !f.active) {
        // The source is disabled or still connecting: the job waits, and says so.
        if (!waiting) {
          waiting = true;
          this.update(id, { error: 'waiting for the source (disabled or not connected yet)' });
        }
        await sleep(500);
        continue;
      }
      if (waiting) {
        waiting = false;
        this.update(id, { error: null });
      }
      try {
        const rows = await f.fetch(f.feed(symbol, tf), symbol, tf, since, f.pageLimit, until);
        return rows.filter((r) => r[0] >= since && r[0] < until && r[0] % TIMEFRAME_MS[tf] === 0);
      } catch (e) {
        if (e instanceof CollectorFault && PERMANENT.has(e.kind)) throw e;
        const wait = e instanceof CollectorFault && e.retryAfterMs !== null ? e.retryAfterMs : 250;
        await sleep(Math.min(Math.max(wait, 50), 5_000));
      }
    }
  }

  private async exec(jobId: number, src: () => OhlcvFetcher | null): Promise<void> {
    let job = this.d.jobs.get(jobId);
    if (!job || job.status === 'done' || job.status === 'failed' || job.status === 'canceled') return;
    const { source, symbol, timeframe: tf } = job;
    const step = TIMEFRAME_MS[tf];
    const key = { source, symbol, timeframe: tf };
    const writePage = this.d.db.transaction((rows: Ohlcv[], cursor: number, fetched: number) => {
      this.d.candles.upsertMany(key, rows);
      this.d.jobs.update(jobId, { cursor, fetched }, this.d.realNow());
    });
    if (job.status !== 'repairing') job = this.update(jobId, { status: 'running', error: null })!;
    const t0 = this.d.realNow();
    let got = 0;
    let cursor = job.cursor;
    let fetched = job.fetched;
    while (job.status !== 'repairing' && cursor < job.until) {
      const rows = await this.page(jobId, src, symbol, tf, cursor, job.until);
      if (rows === null) break;
      const f = src();
      const pageSpan = (f?.pageLimit ?? 500) * step;
      let next: number;
      if (rows.length === 0) {
        // Nothing at all in the next page: the exchange has no bars there (before listing, outage).
        next = Math.min(job.until, cursor + pageSpan);
      } else {
        next = rows[rows.length - 1]![0] + step;
      }
      // Written in chunks of WRITE_CHUNK bars, each with its cursor, yielding in between, so the
      // engine thread never holds a long transaction (calls and live polls go on meanwhile).
      for (let i = 0; i < rows.length || i === 0; i += WRITE_CHUNK) {
        const chunk = rows.slice(i, i + WRITE_CHUNK);
        const last = i + WRITE_CHUNK >= rows.length;
        if (i > 0) await new Promise<void>((r) => setImmediate(r));
        if (this.stopped) return;
        fetched += chunk.length;
        got += chunk.length;
        writePage(chunk, last ? next : chunk[chunk.length - 1]![0] + step, fetched);
      }
      if (rows.length) this.d.stored?.(source, symbol, tf, rows[rows.length - 1]![0]);
      cursor = next;
      const secs = (this.d.realNow() - t0) / 1000;
      if (secs > 0) this.rates.set(jobId, got / secs);
      this.update(jobId, {});
    }
    if (this.canceled.has(jobId)) {
      this.update(jobId, { status: 'canceled', finishedAt: this.d.realNow() });
      return;
    }
    if (this.stopped) return;
    job = this.update(jobId, { status: 'repairing' })!;
    // Repair: fetch every missing range once more; what is still missing is a known gap.
    const missing = this.d.gaps.missing(key, job.since, job.until);
    let repaired = job.gapsRepaired;
    let known = job.knownGaps;
    for (const g of missing) {
      let c = g.start;
      const found: Ohlcv[] = [];
      while (c < g.end) {
        const rows = await this.page(jobId, src, symbol, tf, c, g.end);
        if (rows === null) return this.finishHalted(jobId);
        if (rows.length === 0) break;
        found.push(...rows);
        c = rows[rows.length - 1]![0] + step;
      }
      if (found.length) {
        this.d.candles.upsertMany(key, found);
        repaired += found.length;
      }
      // Whatever inside the gap is still missing is a known gap.
      const have = new Set(found.map((r) => r[0]));
      let runStart: number | null = null;
      for (let t = g.start; t <= g.end; t += step) {
        const missingHere = t < g.end && !have.has(t);
        if (missingHere && runStart === null) runStart = t;
        if (!missingHere && runStart !== null) {
          this.d.gaps.recordKnown(key, runStart, t, 'the exchange returned no bar here (asked twice)', this.d.realNow());
          known += Math.round((t - runStart) / step);
          runStart = null;
        }
      }
      this.update(jobId, { gapsRepaired: repaired, knownGaps: known });
    }
    this.update(jobId, { status: 'done', cursor: job.until, finishedAt: this.d.realNow(), gapsRepaired: repaired, knownGaps: known });
  }

  private finishHalted(jobId: number): void {
    if (this.canceled.has(jobId)) this.update(jobId, { status: 'canceled', finishedAt: this.d.realNow() });
  }
}
