/**
 * A replay source: plays CSV candles (`timestamp,open,high,low,close,volume`, ms UTC) at a
 * chosen speed (`speed` bars-durations per real one: 60 plays a 1m file at one bar a second),
 * storing each bar under the source id and publishing it as `candle.closed`. With `loop` the file
 * starts again, shifted past its own end, so no bar is ever published twice.
 */
import fs from 'node:fs';
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';
import type { CandleEvent } from '../api/commands/market';
import type { CandlesRepo } from '../../db/repos/candles';
import { parseCandlesCsv } from './csv';
import { CollectorFault } from './faults';
import type { SourceHealthState } from './health';

export interface ReplayConfig {
  label?: string;
  path: string;
  symbol: string;
  timeframe: Timeframe;
  speed?: number;
  loop?: boolean;
}

export class ReplayRuntime {
  rows: Ohlcv[] = [];
  private i = 0;
  private lap = 0;
  private t0 = 0;
  private timer: NodeJS.Timeout | null = null;
  readonly symbols: string[];

  constructor(
    readonly id: string,
    readonly cfg: ReplayConfig,
    readonly health: SourceHealthState,
    private readonly candles: CandlesRepo,
    private readonly publish: (e: CandleEvent) => void,
    private readonly realNow: () => number,
    /** Reads the CSV (through the file policy: allowed folders, regular files, size-capped). */
    read: (path: string) => string = (p) => fs.readFileSync(p, 'utf8'),
  ) {
    this.symbols = [cfg.symbol];
    const feed = health.feed(cfg.symbol, cfg.timeframe);
    try {
      const { rows, problems } = parseCandlesCsv(read(cfg.path), cfg.timeframe);
      if (problems.length) throw new CollectorFault('bad_response', `${cfg.path} line ${problems[0]!.line}: ${problems[0]!.reason}`);
      this.rows = rows;
      health.success(realNow(), 0, feed);
    } catch (e) {
      const f = e instanceof CollectorFault ? e : new CollectorFault('unknown', (e as Error).message);
      health.fatal = f.info(realNow());
      return;
    }
    const last = candles.latest({ source: id, symbol: cfg.symbol, timeframe: cfg.timeframe });
    // Resume after the last bar already played.
    if (last && this.rows.length) {
      const span = this.span();
      const first = this.rows[0]![0];
      this.lap = Math.max(0, Math.floor((last[0] - first) / span));
      const off = this.lap * span;
      this.i = this.rows.findIndex((r) => r[0] + off > last[0]);
      if (this.i < 0) {
        // Played to the end before: a loop goes on with the next lap; otherwise it stays done.
        if (this.cfg.loop) {
          this.i = 0;
          this.lap++;
        } else this.i = this.rows.length;
      }
      feed.newestBarTs = last[0];
    }
    this.t0 = realNow();
    const start = this.rows[this.i];
    this.startTs = start ? start[0] + this.lap * this.span() : null;
    // Freshness follows the playback position, not the wall clock: the bars are history.
    health.clock = () => this.playbackNow();
    this.timer = setInterval(() => this.safeTick(), 50);
  }

  /** Open time of the first bar this session plays (lap offset included). */
  private startTs: number | null = null;

  /**
   * Where the playback stands in the file's own time: the first bar of this session plus the
   * real time elapsed × speed; a finished replay (no loop) stands at the end of its last bar.
   */
  playbackNow(): number {
    const step = TIMEFRAME_MS[this.cfg.timeframe];
    const newest = this.health.feed(this.cfg.symbol, this.cfg.timeframe).newestBarTs;
    if (this.startTs === null) return newest === null ? 0 : newest + step; // nothing left to play
    const now = this.startTs + (this.realNow() - this.t0) * (this.cfg.speed ?? 1);
    if (this.cfg.loop) return now;
    const end = this.rows[this.rows.length - 1]![0] + this.lap * this.span() + step;
    return Math.min(now, end);
  }

  private span(): number {
    const first = this.rows[0]![0];
    const last = this.rows[this.rows.length - 1]![0];
    return last - first + TIMEFRAME_MS[this.cfg.timeframe];
  }

  /** A tick that fails (storage) is the feed's failure, retried by the next tick; never thrown. */
  private safeTick(): void {
    try {
      this.tick();
    } catch (e) {
      const f = e instanceof CollectorFault ? e : new CollectorFault('unknown', (e as Error).message);
      this.health.failure(f.info(this.realNow()), this.health.feed(this.cfg.symbol, this.cfg.timeframe), false);
    }
  }

  tick(): void {
    if (!this.rows.length) return;
    const stepReal = TIMEFRAME_MS[this.cfg.timeframe] / (this.cfg.speed ?? 1);
    const due = Math.floor((this.realNow() - this.t0) / stepReal);
    const key = { source: this.id, symbol: this.cfg.symbol, timeframe: this.cfg.timeframe };
    const feed = this.health.feed(this.cfg.symbol, this.cfg.timeframe);
    let played = 0;
    const out: Ohlcv[] = [];
    while (played < due - this.playedTotal && played < 5000) {
      if (this.i >= this.rows.length) {
        if (!this.cfg.loop) break;
        this.i = 0;
        this.lap++;
      }
      const r = this.rows[this.i++]!;
      const off = this.lap * this.span();
      out.push([r[0] + off, r[1], r[2], r[3], r[4], r[5]]);
      played++;
    }
    if (!out.length) return;
    this.playedTotal += played;
    this.candles.upsertMany(key, out);
    for (const c of out) {
      this.health.closed(0, feed, c[0]);
      this.publish({ source: this.id, symbol: this.cfg.symbol, timeframe: this.cfg.timeframe, candle: c });
    }
    this.health.success(this.realNow(), 0, feed);
  }
  private playedTotal = 0;

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
