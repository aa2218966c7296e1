/**
 * Collector failures, classified (rate limit, timeout, network, bad response, …) so health,
 * back-off and the circuit breaker can act on the kind, not on an exchange's wording.
 */
import type { CollectorError, CollectorErrorKind } from '../api/commands/market';

type CcxtModule = typeof import('ccxt');
let ccxtModule: Promise<CcxtModule> | null = null;
export const loadCcxt = (): Promise<CcxtModule> => (ccxtModule ??= import('ccxt'));
let ccxtLoaded: CcxtModule | null = null;
void loadCcxt().then((m) => (ccxtLoaded = m)).catch(() => undefined);

/** A classified failure; `retryAfterMs` comes from the exchange's Retry-After header. */
export class CollectorFault extends Error {
  constructor(
    readonly kind: CollectorErrorKind,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'CollectorFault';
  }
  info(at: number): CollectorError {
    return { kind: this.kind, message: this.message, at };
  }
}

/** Kinds that say nothing about the exchange being down (they do not count for the breaker). */
export const PERMANENT: ReadonlySet<CollectorErrorKind> = new Set(['bad_symbol', 'auth']);
export const THROTTLED: ReadonlySet<CollectorErrorKind> = new Set(['rate_limit', 'ddos_protection']);

function retryAfterOf(e: unknown): number | null {
  const v = (e as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Parses a Retry-After header: seconds, or an HTTP date. */
export function parseRetryAfter(v: string | null | undefined, now = Date.now()): number | null {
  if (!v) return null;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, d - now) : null;
}

const short = (m: string): string => (m.length > 300 ? `${m.slice(0, 297)}…` : m);

export function classify(e: unknown): CollectorFault {
  if (e instanceof CollectorFault) return e;
  const msg = short(e instanceof Error ? e.message : String(e));
  const ra = retryAfterOf(e);
  const c = ccxtLoaded;
  if (c) {
    if (e instanceof c.RateLimitExceeded) return new CollectorFault('rate_limit', msg, ra);
    if (e instanceof c.DDoSProtection) return new CollectorFault('ddos_protection', msg, ra);
    if (e instanceof c.RequestTimeout) return new CollectorFault('timeout', msg);
    if (e instanceof c.ExchangeNotAvailable) return new CollectorFault('exchange_unavailable', msg);
    if (e instanceof c.NetworkError) return new CollectorFault('network', msg);
    if (e instanceof c.BadResponse) return new CollectorFault('bad_response', msg);
    if (e instanceof c.BadSymbol) return new CollectorFault('bad_symbol', msg);
    if (e instanceof c.AuthenticationError) return new CollectorFault('auth', msg);
    if (e instanceof c.ExchangeError) return new CollectorFault('exchange_unavailable', msg);
  }
  if (e instanceof SyntaxError || e instanceof TypeError) return new CollectorFault('bad_response', msg);
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return new CollectorFault('network', msg);
  return new CollectorFault('unknown', msg);
}

/** Exchange ids ccxt supports. */
export async function ccxtExchangeIds(): Promise<string[]> {
  const m = await loadCcxt();
  const d = (m as unknown as { default?: { exchanges?: unknown } }).default?.exchanges;
  const ids = Array.isArray(d) ? (d as string[]) : Object.keys(m.exchanges);
  return [...ids].sort();
}
