/** The collector's tuning: clocks, polling, timeouts, retries, the breaker, health evaluation. */
export interface CollectorOptions {
  /** Clock for bar times (ms). */
  now: () => number;
  /** Wall clock for latency, back-off and request counts. */
  realNow: () => number;
  /** Clock ms per real ms (1 in production; tests run the fake exchange's clock fast). */
  timeScale: number;
  pollMs: number;
  timeoutMs: number;
  breaker: { failures: number; openMs: number };
  retries: number;
  retryBaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  healthEvalMs: number;
}

export const COLLECTOR_DEFAULTS: CollectorOptions = {
  now: Date.now,
  realNow: Date.now,
  timeScale: 1,
  pollMs: 1000,
  timeoutMs: 10_000,
  breaker: { failures: 5, openMs: 30_000 },
  retries: 2,
  retryBaseMs: 250,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  healthEvalMs: 1000,
};
