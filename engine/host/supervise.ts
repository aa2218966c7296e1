/**
 * When the engine worker dies on its own (an uncaught error, out of memory), the host starts it
 * again on the same data directory, waiting longer after each death: 0.5 s, 1 s, 2 s, 4 s, 8 s.
 * A sixth death within five minutes means something the engine cannot get past on its own (a
 * broken store, a bug at start-up): the host stops trying and says so, rather than spin.
 */
export interface RestartPolicyOptions {
  baseMs: number;
  maxMs: number;
  windowMs: number;
  maxInWindow: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = { baseMs: 500, maxMs: 30_000, windowMs: 5 * 60_000, maxInWindow: 5 };

export class RestartPolicy {
  private deaths: number[] = [];
  constructor(private readonly o: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** Records a death at `now`; the wait before the next start, or null to stop trying. */
  next(now: number): number | null {
    this.deaths = this.deaths.filter((t) => now - t < this.o.windowMs);
    this.deaths.push(now);
    if (this.deaths.length > this.o.maxInWindow) return null;
    return Math.min(this.o.maxMs, this.o.baseMs * 2 ** (this.deaths.length - 1));
  }

  /** Deaths within the window (what the last `next` counted). */
  get recent(): number {
    return this.deaths.length;
  }
}
