/**
 * Per-source token bucket: `perMinute` sustained, bursts up to `burst`. `take` answers how long to
 * wait (ms) when the bucket is empty. Buckets idle for a while are forgotten (bounded memory).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perMinute = 60,
    private readonly burst = 120,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when allowed; else the milliseconds until one token is back. */
  take(key: string): number {
    const t = this.now();
    const rate = this.perMinute / 60_000;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 10_000) this.sweep(t);
      this.buckets.set(key, (b = { tokens: this.burst, at: t }));
    }
    b.tokens = Math.min(this.burst, b.tokens + (t - b.at) * rate);
    b.at = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / rate);
  }

  private sweep(t: number): void {
    const full = this.burst / (this.perMinute / 60_000);
    for (const [k, b] of this.buckets) if (t - b.at > full) this.buckets.delete(k);
  }
}
