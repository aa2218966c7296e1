/**
 * Back-fill jobs and gaps as the collector answers them: a job asked for by a command or by a
 * runtime that saw a hole (one way a job is made: `start`), listed, cancelled, resumed after a
 * restart, and the gaps of a stored series. The fetching itself is the BackfillRunner's.
 */
import { ApiError } from '../api/errors';
import { TIMEFRAME_MS, bucketStart, type Timeframe } from '../api/timeframes';
import type { BackfillJob, GapsResult, ParsedInput } from '../api/contract';
import type { BackfillJobsRepo } from '../../db/repos/backfill-jobs';
import type { GapsRepo } from '../../db/repos/gaps';
import { toJob, type BackfillRunner, type OhlcvFetcher } from './backfill';
import { CcxtRuntime } from './ccxt-runtime';
import type { Runtime } from './source-runtime';

export interface BackfillDeskDeps {
  jobs: BackfillJobsRepo;
  gaps: GapsRepo;
  runner: BackfillRunner;
  now(): number;
  realNow(): number;
  runtime(source: string): Runtime | undefined;
  publish(job: BackfillJob): void;
}

export class BackfillDesk {
  constructor(private readonly d: BackfillDeskDeps) {}

  private fetcher(source: string): OhlcvFetcher | null {
    const rt = this.d.runtime(source);
    return rt instanceof CcxtRuntime ? rt : null;
  }

  /** Runs the jobs a previous run left unfinished. */
  resumeUnfinished(): void {
    for (const j of this.d.jobs.unfinished()) void this.d.runner.run(j.id, () => this.fetcher(j.source));
  }

  /** Creates a back-fill job, announces it and runs it: the one way a job is made. */
  start(source: string, symbol: string, tf: Timeframe, since: number, until: number): BackfillJob {
    const job = this.d.jobs.create({ source, symbol, timeframe: tf, since, until, expected: Math.round((until - since) / TIMEFRAME_MS[tf]) }, this.d.realNow());
    const out = toJob(job, null);
    this.d.publish(out);
    void this.d.runner.run(job.id, () => this.fetcher(source));
    return out;
  }

  /** A job a runtime asks for when it sees a hole, unless one is already running for the series. */
  requestFor(source: string, symbol: string, tf: Timeframe, since: number, until: number): void {
    if (!this.d.jobs.findActive(source, symbol, tf)) this.start(source, symbol, tf, since, until);
  }

  /** `market.backfill` for a ccxt source: the range snapped to whole closed bars; the same range again resumes. */
  backfill(i: ParsedInput<'market.backfill'>): BackfillJob {
    const step = TIMEFRAME_MS[i.timeframe];
    const lastClosedEnd = bucketStart(this.d.now(), i.timeframe);
    const since = Math.ceil(i.since / step) * step;
    const until = Math.min(i.until === undefined ? lastClosedEnd : Math.ceil(i.until / step) * step, lastClosedEnd);
    if (since >= until) throw new ApiError('UNPROCESSABLE', 'Nothing to back-fill: `since` must be before `until` and before the newest closed bar', { since, until });
    const rt = this.d.runtime(i.source);
    if (rt instanceof CcxtRuntime && rt.marketSymbols && !rt.marketSymbols.has(i.symbol)) {
      throw new ApiError('NOT_FOUND', `${rt.cfg.exchange} has no market ${i.symbol}`, { source: i.source, symbol: i.symbol });
    }
    const active = this.d.jobs.findActive(i.source, i.symbol, i.timeframe);
    if (active && active.since === since && active.until === until) {
      void this.d.runner.run(active.id, () => this.fetcher(i.source));
      return toJob(active, this.d.runner.rate(active.id));
    }
    return this.start(i.source, i.symbol, i.timeframe, since, until);
  }

  list(source?: string, limit?: number): BackfillJob[] {
    return this.d.jobs.list(source, limit).map((j) => toJob(j, this.d.runner.rate(j.id)));
  }

  cancel(id: number): BackfillJob {
    const j = this.d.jobs.get(id);
    if (!j) throw new ApiError('NOT_FOUND', `Unknown back-fill job ${id}`, { id });
    if (j.status === 'done' || j.status === 'failed' || j.status === 'canceled') return toJob(j, null);
    this.d.runner.cancel(id);
    this.d.jobs.update(id, { status: 'canceled', finishedAt: this.d.realNow() }, this.d.realNow());
    const out = toJob(this.d.jobs.get(id)!, null);
    this.d.publish(out);
    return out;
  }

  gapsOf(i: ParsedInput<'market.gaps'>): GapsResult {
    const key = { source: i.source, symbol: i.symbol, timeframe: i.timeframe };
    const b = this.d.gaps.bounds(key);
    const from = i.since ?? b.first ?? 0;
    const to = i.until ?? (b.last === null ? 0 : b.last + TIMEFRAME_MS[i.timeframe]);
    return { ...key, first: b.first, last: b.last, stored: b.stored, missing: to > from ? this.d.gaps.missing(key, from, to) : [], known: this.d.gaps.known(key) };
  }
}
