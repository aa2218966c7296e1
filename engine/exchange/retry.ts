/**
 * The one retrier. Before each request: wait out the endpoint's Retry-After hold (or give up if it
 * is longer than the caller may wait), then ask the circuit breaker. After a failure, by the
 * error table's policy: final → thrown at once; throttled → the endpoint is held until the
 * exchange's Retry-After (or a doubling back-off) passes; retryable → counted by the breaker and
 * retried after a doubling back-off. A hook may look before a retry (an order asks the exchange
 * whether the lost request arrived) and may answer instead.
 */
import type { Exchange } from './ccxt';
import type { CircuitBreaker } from './breaker';
import { classify, ExchangeFault } from './errors';

export interface RetryPolicy {
  /** Retries after the first try. */
  retries: number;
  /** Back-off before retrying a retryable failure: base × 2^(n−1). */
  retryBaseMs: number;
  /** Hold after a rate limit without Retry-After: base × 2^(n−1) per consecutive one, capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Longest hold a request waits for; a longer one fails it now (the hold's own fault). */
  maxHoldMs: number;
}

/** What a caller learns about each request (the collector's health counts them). */
export interface RequestObserver {
  request(at: number): void;
  success(at: number, latencyMs: number): void;
  failure(fault: ExchangeFault, at: number): void;
  throttled(until: number): void;
}

export interface CallOptions<T> extends Partial<RetryPolicy> {
  /** Who failed, for the breaker (a symbol); null counts for the whole endpoint. */
  scope?: string | null;
  /** A reason to call the answer bad although it arrived (counted as bad_response). */
  validate?: (v: T) => string | null;
  /** Runs before each retry; returning `{ value }` answers the call without resending. */
  beforeRetry?: (last: ExchangeFault) => Promise<{ value: T } | null | void>;
  observer?: RequestObserver;
}

/** The shared state of one endpoint: its breaker and its Retry-After hold. */
export interface EndpointState {
  readonly key: string;
  readonly breaker: CircuitBreaker;
  holdUntil: number;
  throttles: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function retrying<T, X = Exchange>(
  ex: X,
  ep: EndpointState,
  fn: (ex: X) => Promise<T>,
  p: RetryPolicy & CallOptions<T>,
  now: () => number,
  stopped: () => boolean,
): Promise<T> {
  let last: ExchangeFault | null = null;
  for (let attempt = 0; ; attempt++) {
    if (last) {
      if (last.policy === 'retryable') await sleep(p.retryBaseMs * 2 ** (attempt - 1));
      const answer = await p.beforeRetry?.(last);
      if (answer) return answer.value;
    }
    if (stopped()) throw new ExchangeFault('unknown', 'stopped');
    const hold = ep.holdUntil - now();
    if (hold > 0) {
      if (hold > p.maxHoldMs) throw new ExchangeFault('rate_limit', `rate limited: the exchange asked to wait another ${Math.ceil(hold)} ms`, hold);
      await sleep(Math.min(hold, 60_000));
      if (stopped()) throw new ExchangeFault('unknown', 'stopped');
    }
    const gate = ep.breaker.acquire();
    if (!gate.ok) throw new ExchangeFault('circuit_open', `circuit open; next probe in ${Math.ceil(gate.retryInMs)} ms`, gate.retryInMs);
    const t0 = now();
    p.observer?.request(t0);
    let fault: ExchangeFault;
    try {
      const v = await fn(ex);
      const bad = p.validate?.(v) ?? null;
      if (bad) throw new ExchangeFault('bad_response', bad);
      if (stopped()) return v;
      ep.breaker.success();
      ep.throttles = 0;
      const t1 = now();
      p.observer?.success(t1, t1 - t0);
      return v;
    } catch (e) {
      fault = classify(e);
    }
    if (stopped()) throw fault;
    const at = now();
    p.observer?.failure(fault, at);
    if (fault.policy === 'final') {
      ep.breaker.neutral();
      throw fault;
    }
    if (fault.policy === 'throttled') {
      ep.breaker.neutral();
      ep.throttles++;
      const wait = fault.retryAfterMs ?? Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** (ep.throttles - 1));
      ep.holdUntil = Math.max(ep.holdUntil, at + wait);
      p.observer?.throttled(ep.holdUntil);
    } else ep.breaker.failure(p.scope ?? null);
    if (attempt >= p.retries) throw fault;
    last = fault;
  }
}
