/**
 * The one error table: ccxt's error class → our kind → the order reason code → what to do
 * (retryable, throttled or final). ccxt's own tree (errorHierarchy) already says what is
 * temporary: OperationFailed and below (network trouble, timeouts, bad answers) may be retried;
 * ExchangeError and below (the exchange answered "no") are final. Rate limits are retried only
 * after the exchange's Retry-After (or a back-off) and never count against the exchange's health.
 */
import type { CollectorError, CollectorErrorKind } from '../api/commands/market';
import type { ReasonCode } from '../api/commands/orders';
import { loadedCcxt } from './ccxt';

/** What a failure is, independent of the exchange's wording. */
export type ErrorKind = CollectorErrorKind | 'insufficient_funds' | 'invalid_order' | 'rejected' | 'not_supported';

/**
 * retryable: try again after a back-off, and count it against the exchange's circuit breaker;
 * throttled: try again only after Retry-After (or a back-off), the breaker is not touched;
 * final: do not repeat the request (the exchange answered; the breaker is not touched).
 */
export type Policy = 'retryable' | 'throttled' | 'final';

export interface ErrorRow {
  ccxtClass: string;
  kind: ErrorKind;
  code: ReasonCode;
  policy: Policy;
}

const row = (ccxtClass: string, kind: ErrorKind, code: ReasonCode, policy: Policy): ErrorRow => ({ ccxtClass, kind, code, policy });

/** Most specific class first: the first row in an error's class chain wins. */
export const ERROR_TABLE: readonly ErrorRow[] = [
  row('InsufficientFunds', 'insufficient_funds', 'INSUFFICIENT_FUNDS', 'final'),
  row('AccountNotEnabled', 'auth', 'AUTHENTICATION_ERROR', 'final'),
  row('PermissionDenied', 'auth', 'AUTHENTICATION_ERROR', 'final'),
  row('AccountSuspended', 'auth', 'AUTHENTICATION_ERROR', 'final'),
  row('AuthenticationError', 'auth', 'AUTHENTICATION_ERROR', 'final'),
  row('RateLimitExceeded', 'rate_limit', 'RATE_LIMIT', 'throttled'),
  row('DDoSProtection', 'ddos_protection', 'RATE_LIMIT', 'throttled'),
  row('RequestTimeout', 'timeout', 'TIMEOUT', 'retryable'),
  row('OnMaintenance', 'exchange_unavailable', 'NETWORK_ERROR', 'retryable'),
  row('ExchangeNotAvailable', 'exchange_unavailable', 'NETWORK_ERROR', 'retryable'),
  row('InvalidNonce', 'network', 'NETWORK_ERROR', 'retryable'),
  row('NetworkError', 'network', 'NETWORK_ERROR', 'retryable'),
  row('OrderImmediatelyFillable', 'rejected', 'EXCHANGE_REJECTED', 'final'),
  row('OrderNotFillable', 'rejected', 'EXCHANGE_REJECTED', 'final'),
  row('DuplicateOrderId', 'rejected', 'EXCHANGE_REJECTED', 'final'),
  row('MarketClosed', 'rejected', 'EXCHANGE_REJECTED', 'final'),
  row('OperationRejected', 'rejected', 'EXCHANGE_REJECTED', 'final'),
  row('BadSymbol', 'bad_symbol', 'INVALID_ORDER', 'final'),
  row('ArgumentsRequired', 'invalid_order', 'INVALID_ORDER', 'final'),
  row('InvalidOrder', 'invalid_order', 'INVALID_ORDER', 'final'),
  row('BadRequest', 'invalid_order', 'INVALID_ORDER', 'final'),
  row('NotSupported', 'not_supported', 'INVALID_ORDER', 'final'),
  row('ExchangeError', 'rejected', 'EXCHANGE_REJECTED', 'final'),
  row('BadResponse', 'bad_response', 'EXCHANGE_ERROR_UNKNOWN', 'retryable'),
  row('OperationFailed', 'unknown', 'EXCHANGE_ERROR_UNKNOWN', 'retryable'),
  row('BaseError', 'unknown', 'EXCHANGE_ERROR_UNKNOWN', 'final'),
];

/** Failures that are not ccxt errors: the gateway's own, Node's sockets, unparsable answers. */
const NOT_CCXT: Record<'circuit_open' | 'network' | 'bad_response' | 'unknown', ErrorRow> = {
  circuit_open: row('-', 'circuit_open', 'NETWORK_ERROR', 'final'),
  network: row('-', 'network', 'NETWORK_ERROR', 'retryable'),
  bad_response: row('-', 'bad_response', 'EXCHANGE_ERROR_UNKNOWN', 'retryable'),
  unknown: row('-', 'unknown', 'EXCHANGE_ERROR_UNKNOWN', 'final'),
};

const byKind = (kind: ErrorKind): ErrorRow =>
  ERROR_TABLE.find((r) => r.kind === kind) ?? (kind in NOT_CCXT ? NOT_CCXT[kind as keyof typeof NOT_CCXT] : NOT_CCXT.unknown);

/** A classified exchange failure; `retryAfterMs` comes from the exchange's Retry-After header. */
export class ExchangeFault extends Error {
  readonly code: ReasonCode;
  readonly policy: Policy;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly retryAfterMs: number | null = null,
    r: Pick<ErrorRow, 'code' | 'policy'> = byKind(kind),
  ) {
    super(message);
    this.name = 'ExchangeFault';
    this.code = r.code;
    this.policy = r.policy;
  }

  /** As a collector reports it (the contract's kinds: an order refusal reads as the exchange's error). */
  info(at: number): CollectorError {
    return { kind: collectorKind(this.kind), message: this.message, at };
  }
}

export function collectorKind(k: ErrorKind): CollectorErrorKind {
  if (k === 'insufficient_funds' || k === 'invalid_order' || k === 'rejected') return 'exchange_unavailable';
  if (k === 'not_supported') return 'unknown';
  return k;
}

/** Parses a Retry-After header: seconds, or an HTTP date. */
export function parseRetryAfter(v: string | null | undefined, now = Date.now()): number | null {
  if (!v) return null;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, d - now) : null;
}

const short = (m: string): string => (m.length > 300 ? `${m.slice(0, 300)}…` : m);

/** The class names of an error, most specific first (its constructors up to Error). */
function classChain(err: unknown): string[] {
  const out: string[] = [];
  let proto: unknown = err && typeof err === 'object' ? Object.getPrototypeOf(err) : null;
  while (proto && proto !== Object.prototype) {
    const ctor = (proto as { constructor?: { name?: string } }).constructor;
    if (ctor?.name) out.push(ctor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return out;
}

/** Whether an error is (a subclass of) the named ccxt error class, e.g. `OrderNotFound`. */
export function isErrorClass(e: unknown, name: string): boolean {
  return classChain(e).includes(name);
}

function isCcxtError(e: unknown): boolean {
  const c = loadedCcxt();
  return c ? e instanceof c.BaseError : classChain(e).includes('BaseError');
}

/** Exchange filter failures about order size all mean "below the minimum" to a trader. */
const MIN_NOTIONAL = /NOTIONAL|MIN_NOTIONAL|notional|LOT_SIZE|too small/;
/**
 * ccxt reports Binance's -2015 as DDoSProtection once a key has worked before (a temporary ban
 * looks the same); "invalid API key, IP or permissions" is a key problem, final.
 */
const KEY_REFUSED = /-2015|-2014|Invalid API-key/;

/** Classifies anything thrown by an exchange call (once: a fault passes through unchanged). */
export function classify(e: unknown): ExchangeFault {
  if (e instanceof ExchangeFault) return e;
  const msg = short(e instanceof Error ? e.message : String(e));
  const raw = (e as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  const retryAfter = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  if (isCcxtError(e)) {
    const chain = classChain(e);
    let r = ERROR_TABLE.find((x) => chain.includes(x.ccxtClass)) ?? NOT_CCXT.unknown;
    if ((r.kind === 'rate_limit' || r.kind === 'ddos_protection') && KEY_REFUSED.test(msg)) r = byKind('auth');
    const code = (r.code === 'INVALID_ORDER' || r.code === 'EXCHANGE_REJECTED') && MIN_NOTIONAL.test(msg) ? 'MIN_NOTIONAL_NOT_MET' : r.code;
    return new ExchangeFault(r.kind, msg, r.policy === 'throttled' ? retryAfter : null, { code, policy: r.policy });
  }
  if (e instanceof SyntaxError || e instanceof TypeError) return new ExchangeFault('bad_response', msg);
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return new ExchangeFault('network', msg);
  return new ExchangeFault('unknown', msg);
}
