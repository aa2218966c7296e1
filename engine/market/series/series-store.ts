/**
 * What a series runtime shares with the collector: where points go, the per-series state the
 * Data sources view shows (last error), and the clock. A store call never throws into a poll.
 */
import type { ExtSeriesRepo, SeriesPoint } from '../../../db/repos/ext-series';

export interface SeriesSink {
  repo: ExtSeriesRepo;
  realNow: () => number;
  /** Called after points were stored (for the live features and the UI). */
  stored?: (source: string, symbol: string, series: string, points: readonly SeriesPoint[]) => void;
}

/** Per-series last error, by `symbol|series`. */
export class SeriesErrors {
  private readonly map = new Map<string, string>();
  set(symbol: string, series: string, msg: string | null): void {
    const k = `${symbol}|${series}`;
    if (msg === null) this.map.delete(k);
    else this.map.set(k, msg);
  }
  get(symbol: string, series: string): string | null {
    return this.map.get(`${symbol}|${series}`) ?? null;
  }
}

/** A repeating task on a real-time timer that never overlaps itself and stops cleanly. */
export class PollLoop {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  stopped = false;

  constructor(private readonly tick: () => Promise<number>) {}

  /** Runs now, then again after the delay each tick returns (ms). */
  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run(), Math.max(0, ms));
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    let next = 1000;
    try {
      next = await this.tick();
    } catch (e) {
      console.error('[series] poll failed:', (e as Error).message);
    } finally {
      this.running = false;
    }
    this.schedule(next);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
