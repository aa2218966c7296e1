/**
 * The backtest module: backtest.run / sweep / get / list / cancel / delete and the
 * `backtest.progress` event. Inputs are checked at once (strategy and params through the
 * registry, stored bars present); the work runs in the shared worker pool, never on the
 * engine's thread; runs are persisted in backtest_runs (migration 014).
 */
import { ApiError } from '../api/errors';
import type { BacktestMetricsView, BacktestProgress, BacktestRunInput, BacktestStatus, BacktestSweepInput, EquityRow, SweepResult, SweepRow } from '../api/commands/backtest';
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';
import { BacktestRepo } from '../../db/repos/backtest';
import { CandlesRepo } from '../../db/repos/candles';
import { StoreExtReader } from '../market/series/store-reader';
import { extSpecsOf, formatExtSpec } from '../market/series/point-in-time';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { Bar } from '../indicators/types';
import { getStrategy, parseParams } from '../strategies/registry';
import { loadStrategy } from './decide';
import { resolveGoals } from './goals-hook';
import type { BacktestMetrics } from './metrics';
import { packShared, runInPool } from './pool';
import type { RunSettings } from './runner';
import { combinationCount, combinations, objectiveOf, rank, splitTime, type Objective, type ParamValue } from './sweep';
import type { EquityPoint } from './types';

/** Most bars loaded per symbol, and per read (the engine thread yields between reads). */
const MAX_BARS = 2_000_000;
const CHUNK = 50_000;
const MAX_COMBINATIONS = 1000;
const EQUITY_POINTS = 4000;
const PROGRESS_MS = 200;

export interface BacktestOptions {
  /** Wall clock for timestamps and ETAs. */
  wallNow: () => number;
}

interface Job {
  id: number;
  kind: 'run' | 'sweep';
  abort: AbortController;
  total: number;
  done: number;
  started: number;
  lastEmit: number;
  combosDone?: number;
  combosTotal?: number;
}

const toBar = (c: Ohlcv): Bar => ({ ts: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] });
const yieldNow = (): Promise<void> => new Promise((res) => setImmediate(res));

/** At most `max` points: every k-th point, always the first and the last. */
export function thinEquity(eq: readonly EquityPoint[], max = EQUITY_POINTS): EquityRow[] {
  const step = Math.max(1, Math.ceil(eq.length / max));
  const out: EquityRow[] = [];
  for (let i = 0; i < eq.length; i += step) out.push([eq[i]!.ts, eq[i]!.equity]);
  const last = eq[eq.length - 1];
  if (last && out[out.length - 1]![0] !== last.ts) out.push([last.ts, last.equity]);
  return out;
}

export class BacktestModule implements EngineModule {
  readonly name = 'backtest';
  readonly repo: BacktestRepo;
  private readonly candles: CandlesRepo;
  private readonly jobs = new Map<number, Job>();
  private readonly opts: BacktestOptions;

  constructor(
    private readonly ctx: EngineContext,
    opts: Partial<BacktestOptions> = {},
  ) {
    this.repo = new BacktestRepo(ctx.db);
    this.candles = new CandlesRepo(ctx.db);
    this.opts = { wallNow: Date.now, ...opts };
  }

  start(): void {
    this.repo.markInterrupted(this.opts.wallNow());
  }

  stop(): void {
    for (const j of this.jobs.values()) j.abort.abort();
  }

  /** Resolves once no job runs (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.jobs.size) await new Promise((res) => setTimeout(res, 20));
  }

  readonly handlers: Partial<Handlers> = {
    'backtest.run': (input) => this.startRun(input),
    'backtest.sweep': (input) => this.startSweep(input),
    'backtest.get': ({ id }) => {
      const r = this.repo.get(id);
      if (!r) throw new ApiError('NOT_FOUND', `No backtest ${id}`, { id });
      const j = this.jobs.get(id);
      return j ? { ...r, barsDone: j.done, barsTotal: j.total } : r;
    },
    'backtest.list': ({ limit }) => this.repo.list(limit ?? 50),
    'backtest.cancel': ({ id }) => {
      const r = this.repo.get(id);
      if (!r) throw new ApiError('NOT_FOUND', `No backtest ${id}`, { id });
      const j = this.jobs.get(id);
      if (!j) return { id, status: r.status };
      j.abort.abort();
      this.end(j, 'cancelled', null, 'cancelled by the user');
      return { id, status: 'cancelled' as const };
    },
    'backtest.delete': ({ id }) => {
      const j = this.jobs.get(id);
      if (j) {
        j.abort.abort();
        this.jobs.delete(id);
      }
      if (!this.repo.delete(id)) throw new ApiError('NOT_FOUND', `No backtest ${id}`, { id });
      return { id, deleted: true };
    },
  };

  // ───────────────────────────── inputs ─────────────────────────────

  private settingsOf(input: BacktestRunInput | BacktestSweepInput, params: Record<string, unknown>): RunSettings {
    return {
      strategy: { id: input.strategy.id, params },
      timeframe: input.timeframe,
      initialBalance: input.initialBalance,
      stake: input.stake,
      takerBps: input.takerBps,
      makerBps: input.makerBps,
      slippageBps: input.slippageBps,
      direction: input.direction,
      minConfidence: input.minConfidence,
      goals: resolveGoals(input.goals),
      ext: this.extOf(input, params),
    };
  }

  private extReader: StoreExtReader | null = null;
  /** Stored points of the strategy's ext series over the run's range (+ the newest before it), per symbol. */
  private extOf(input: BacktestRunInput | BacktestSweepInput, params: Record<string, unknown>): RunSettings['ext'] {
    const specs = extSpecsOf(getStrategy(input.strategy.id).ext?.(params) ?? []);
    if (!specs.length) return undefined;
    const reader = (this.extReader ??= new StoreExtReader(this.ctx.db));
    const from = input.from ?? 0;
    const to = (input.to ?? Number.MAX_SAFE_INTEGER - TIMEFRAME_MS['1d']) + TIMEFRAME_MS[input.timeframe];
    const out: NonNullable<RunSettings['ext']> = {};
    for (const symbol of input.symbols) {
      const per: Record<string, Array<[number, number]>> = {};
      for (const x of specs) per[formatExtSpec(x)] = reader.points(x, symbol, from, to);
      out[symbol] = per;
    }
    return out;
  }

  /** Where a symbol's bars come from: its own stored series, or buckets aggregated from stored 1m bars. */
  private store(source: string, symbol: string, tf: Timeframe): { direct: boolean; key: { source: string; symbol: string; timeframe: Timeframe } } {
    const key = { source, symbol, timeframe: tf };
    return { direct: this.candles.count(key) > 0, key };
  }

  /** The first stored bar's open time at or after `since` (1m bars for an aggregated series). */
  private firstTs(source: string, symbol: string, tf: Timeframe, since: number): number | undefined {
    const { direct, key } = this.store(source, symbol, tf);
    const row = this.candles.range(direct ? key : { ...key, timeframe: '1m' }, 1, since)[0];
    return row === undefined ? undefined : direct ? row[0] : row[0] - (row[0] % TIMEFRAME_MS[tf]);
  }

  /** Every symbol must have stored bars in the range (checked at once, so bad inputs fail before a run exists). */
  private checkData(input: BacktestRunInput | BacktestSweepInput): void {
    for (const symbol of input.symbols) {
      const first = this.firstTs(input.source, symbol, input.timeframe, input.from ?? 0);
      if (first === undefined || (input.to !== undefined && first > input.to)) {
        throw new ApiError('UNPROCESSABLE', `No stored ${input.timeframe} candles for ${symbol} on ${input.source} in the range`, { field: 'symbols', symbol, source: input.source });
      }
    }
  }

  /** Stored closed bars of a symbol in [from, to], read in chunks so the engine thread keeps answering. */
  private async loadBars(source: string, symbol: string, tf: Timeframe, from: number | undefined, to: number | undefined): Promise<Bar[]> {
    const { direct, key } = this.store(source, symbol, tf);
    const tfMs = TIMEFRAME_MS[tf];
    const last = Math.min(to ?? Infinity, this.ctx.clock() - tfMs);
    const out: Bar[] = [];
    let since = this.firstTs(source, symbol, tf, from ?? 0);
    while (since !== undefined && since <= last && out.length < MAX_BARS) {
      const rows = direct ? this.candles.range(key, CHUNK, since) : this.candles.aggregated(source, symbol, tf, CHUNK, since);
      for (const c of rows) if (c[0] >= (from ?? 0) && c[0] <= last && out.length < MAX_BARS) out.push(toBar(c));
      // next chunk: after the last row read (direct), or the next window of buckets (aggregated)
      since = direct ? (rows.length === CHUNK ? rows[rows.length - 1]![0] + 1 : undefined) : this.firstTs(source, symbol, tf, since + CHUNK * tfMs);
      await yieldNow();
    }
    return out;
  }

  private newJob(id: number, kind: 'run' | 'sweep', total: number): Job {
    const j: Job = { id, kind, abort: new AbortController(), total, done: 0, started: this.opts.wallNow(), lastEmit: 0 };
    this.jobs.set(id, j);
    return j;
  }

  private progress(j: Job, status: BacktestStatus, force = false, error: string | null = null): void {
    const now = this.opts.wallNow();
    if (!force && now - j.lastEmit < PROGRESS_MS) return;
    j.lastEmit = now;
    const elapsed = now - j.started;
    const p: BacktestProgress = {
      id: j.id,
      kind: j.kind,
      status,
      barsDone: j.done,
      barsTotal: j.total,
      etaMs: status === 'running' && j.done > 0 && j.total > j.done ? Math.round((elapsed / j.done) * (j.total - j.done)) : status === 'done' ? 0 : null,
    };
    if (j.combosTotal !== undefined) Object.assign(p, { combosDone: j.combosDone ?? 0, combosTotal: j.combosTotal });
    if (error) p.error = error;
    this.ctx.bus.publish('backtest.progress', p);
  }

  private end(j: Job, status: BacktestStatus, res: Parameters<BacktestRepo['finish']>[2], error: string | null): void {
    if (!this.jobs.has(j.id)) return;
    this.jobs.delete(j.id);
    if (status === 'done') j.done = j.total;
    this.repo.finish(j.id, status, res, error, j.done, this.opts.wallNow());
    this.progress(j, status, true, error);
  }

  private fail(j: Job, err: unknown): void {
    if (j.abort.signal.aborted) return; // cancelled or deleted: already recorded
    console.error(`[backtest] ${j.kind} ${j.id} failed:`, err);
    this.end(j, 'failed', null, err instanceof Error ? err.message : String(err));
  }

  // ───────────────────────────── runs ─────────────────────────────

  private startRun(input: BacktestRunInput): { id: number } {
    const s = loadStrategy(input.strategy);
    this.checkData(input);
    const id = this.repo.insert('run', input, 0, this.opts.wallNow());
    const j = this.newJob(id, 'run', 0);
    void this.execRun(j, input, s.params).catch((e: unknown) => this.fail(j, e));
    return { id };
  }

  private async execRun(j: Job, input: BacktestRunInput, params: Record<string, unknown>): Promise<void> {
    const series = [];
    for (const symbol of input.symbols) series.push(await this.loadBars(input.source, symbol, input.timeframe, input.from, input.to));
    if (j.abort.signal.aborted) return;
    j.total = series.reduce((n, b) => n + b.length, 0);
    j.started = this.opts.wallNow();
    this.repo.setStatus(j.id, 'running');
    this.repo.progress(j.id, 0, j.total);
    this.progress(j, 'running', true);
    const r = await runInPool(this.settingsOf(input, params), input.symbols, series.map(packShared), {
      signal: j.abort.signal,
      every: 5_000,
      onProgress: (done) => {
        j.done = done;
        this.progress(j, 'running');
      },
    });
    this.end(j, 'done', { metrics: r.metrics as BacktestMetricsView, trades: r.trades ?? [], equity: thinEquity(r.equity ?? []) }, null);
  }

  // ───────────────────────────── sweeps ─────────────────────────────

  private startSweep(input: BacktestSweepInput): { id: number; combinations: number } {
    const s = loadStrategy(input.strategy);
    const n = combinationCount(input.grid);
    if (n > MAX_COMBINATIONS) throw new ApiError('BAD_INPUT', `The grid has ${n} combinations; at most ${MAX_COMBINATIONS}`, { field: 'grid', combinations: n });
    const known = Object.keys(s.params);
    const unknown = Object.keys(input.grid).filter((k) => !known.includes(k));
    if (unknown.length) throw new ApiError('BAD_INPUT', `grid: ${input.strategy.id} has no parameter ${unknown.join(', ')} (it has ${known.join(', ')})`, { field: 'grid', unknown });
    this.checkData(input);
    const id = this.repo.insert('sweep', input, 0, this.opts.wallNow());
    const j = this.newJob(id, 'sweep', 0);
    j.combosTotal = n;
    j.combosDone = 0;
    void this.execSweep(j, input).catch((e: unknown) => this.fail(j, e));
    return { id, combinations: n };
  }

  private async execSweep(j: Job, input: BacktestSweepInput): Promise<void> {
    const objective: Objective = input.objective ?? 'sharpe';
    const pct = input.outOfSamplePct ?? 30;
    const series = [];
    for (const symbol of input.symbols) series.push(await this.loadBars(input.source, symbol, input.timeframe, input.from, input.to));
    if (j.abort.signal.aborted) return;
    const splitTs = splitTime(series, pct);
    const inSample = series.map((b) => packShared(b.filter((x) => x.ts < splitTs)));
    const outSample = series.map((b) => packShared(b.filter((x) => x.ts >= splitTs)));
    const isBars = inSample.reduce((n, a) => n + a.length / 6, 0);
    const rows: SweepRow[] = [];
    const runs: Array<Promise<void>> = [];
    const combos = combinations(input.grid);
    j.total = isBars * combos.length;
    j.started = this.opts.wallNow();
    this.repo.setStatus(j.id, 'running');
    this.repo.progress(j.id, 0, j.total);
    this.progress(j, 'running', true);
    const settings = new Map<SweepRow, RunSettings>();
    for (const combo of combos) {
      let params: Record<string, unknown>;
      try {
        params = parseParams(input.strategy.id, { ...input.strategy.params, ...combo });
      } catch (e) {
        rows.push({ params: combo, objective: null, metrics: null, error: (e as Error).message });
        j.combosDone!++;
        j.done += isBars;
        continue;
      }
      const row: SweepRow = { params: combo, objective: null, metrics: null };
      rows.push(row);
      const st = this.settingsOf(input, params);
      settings.set(row, st);
      runs.push(
        runInPool(st, input.symbols, inSample, { signal: j.abort.signal, metricsOnly: true }).then((r) => {
          row.metrics = r.metrics as BacktestMetricsView;
          row.objective = objectiveOf(r.metrics, objective);
          j.combosDone!++;
          j.done += isBars;
          this.progress(j, 'running');
        }),
      );
    }
    await Promise.all(runs);
    if (j.abort.signal.aborted) return;
    const ranked = rank(rows, objective);
    const top = ranked[0];
    let best: SweepResult['best'] = null;
    if (top && !top.error && top.metrics) {
      const oos = outSample.some((a) => a.length) ? await runInPool(settings.get(top)!, input.symbols, outSample, { signal: j.abort.signal, metricsOnly: true }) : null;
      best = { params: top.params as Record<string, ParamValue>, inSample: top.metrics, outOfSample: (oos?.metrics as BacktestMetrics | undefined) ?? null };
    }
    const sweep: SweepResult = { objective, outOfSamplePct: pct, splitTs, rows: ranked, best };
    this.end(j, 'done', { metrics: best?.inSample ?? null, sweep }, null);
  }
}
