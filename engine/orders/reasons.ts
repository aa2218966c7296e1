/**
 * The one table from ccxt's error classes to our reason codes (ccxt's errorHierarchy: the most
 * specific class first). `temporary` says what may be retried with back-off (freqtrade's
 * retrier): network trouble and rate limits; everything else is final.
 */
import type { ReasonCode } from '../api/commands/orders';

export interface MappedError {
  code: ReasonCode;
  temporary: boolean;
  message: string;
  /** The exchange's own words, trimmed (what the UI shows as the snippet). */
  snippet: string;
}

/** [ccxt class name, reason code, temporary]. Order matters: subclasses before their parents. */
export const CCXT_ERROR_TABLE: ReadonlyArray<readonly [string, ReasonCode, boolean]> = [
  ['InsufficientFunds', 'INSUFFICIENT_FUNDS', false],
  ['AccountNotEnabled', 'AUTHENTICATION_ERROR', false],
  ['PermissionDenied', 'AUTHENTICATION_ERROR', false],
  ['AccountSuspended', 'AUTHENTICATION_ERROR', false],
  ['AuthenticationError', 'AUTHENTICATION_ERROR', false],
  ['RateLimitExceeded', 'RATE_LIMIT', true],
  ['DDoSProtection', 'RATE_LIMIT', true],
  ['RequestTimeout', 'TIMEOUT', true],
  ['OnMaintenance', 'NETWORK_ERROR', true],
  ['ExchangeNotAvailable', 'NETWORK_ERROR', true],
  ['InvalidNonce', 'NETWORK_ERROR', true],
  ['NetworkError', 'NETWORK_ERROR', true],
  ['OrderImmediatelyFillable', 'EXCHANGE_REJECTED', false],
  ['OrderNotFillable', 'EXCHANGE_REJECTED', false],
  ['DuplicateOrderId', 'EXCHANGE_REJECTED', false],
  ['MarketClosed', 'EXCHANGE_REJECTED', false],
  ['OperationRejected', 'EXCHANGE_REJECTED', false],
  ['BadSymbol', 'INVALID_ORDER', false],
  ['ArgumentsRequired', 'INVALID_ORDER', false],
  ['InvalidOrder', 'INVALID_ORDER', false],
  ['BadRequest', 'INVALID_ORDER', false],
  ['NotSupported', 'INVALID_ORDER', false],
  ['ExchangeError', 'EXCHANGE_REJECTED', false],
  ['BadResponse', 'EXCHANGE_ERROR_UNKNOWN', false],
  ['OperationFailed', 'EXCHANGE_ERROR_UNKNOWN', true],
  ['BaseError', 'EXCHANGE_ERROR_UNKNOWN', false],
];

/** Exchange filter failures about order size all mean "below the minimum" to a trader. */
const MIN_NOTIONAL = /NOTIONAL|MIN_NOTIONAL|notional|LOT_SIZE|too small/;

const READABLE: Record<ReasonCode, string> = {
  EXEC_ORDER_PLACED: 'order placed',
  EXEC_RECONCILED: 'order found at the exchange after a restart',
  RISK_BLOCKED: 'blocked by the risk gate',
  KILL_SWITCH: 'the kill switch is on',
  IDEMPOTENCY_BLOCKED: 'an intent with this key already exists',
  LIVE_NOT_ENABLED: 'live trading is not enabled on this account',
  NO_PRICE: 'no price for this symbol yet',
  SIZING_FAILED: 'the order could not be sized',
  AUTHENTICATION_ERROR: 'the exchange refused the API key',
  INSUFFICIENT_FUNDS: 'insufficient funds',
  SIGNAL_EXPIRED: 'the signal is too old to trade',
  RATE_LIMIT: 'rate limited by the exchange',
  TIMEOUT: 'the exchange did not answer in time',
  MIN_NOTIONAL_NOT_MET: 'below the minimum order size',
  INVALID_ORDER: 'the exchange says the order is invalid',
  EXCHANGE_REJECTED: 'the exchange rejected the order',
  NETWORK_ERROR: 'network error talking to the exchange',
  EXCHANGE_ERROR_UNKNOWN: 'unexpected exchange error',
};
export const readable = (code: ReasonCode): string => READABLE[code];

/** The ccxt class chain of an error (its constructor names up to Error). */
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

export function mapExchangeError(err: unknown): MappedError {
  const raw = err instanceof Error ? err.message : String(err);
  const snippet = raw.length > 300 ? raw.slice(0, 300) + '…' : raw;
  const chain = classChain(err);
  let code: ReasonCode = 'EXCHANGE_ERROR_UNKNOWN';
  let temporary = false;
  for (const [cls, c, t] of CCXT_ERROR_TABLE) {
    if (chain.includes(cls)) {
      code = c;
      temporary = t;
      break;
    }
  }
  if ((code === 'INVALID_ORDER' || code === 'EXCHANGE_REJECTED') && MIN_NOTIONAL.test(raw)) code = 'MIN_NOTIONAL_NOT_MET';
  // ccxt reports Binance's -2015 as DDoSProtection once a key has worked before (a temporary
  // ban looks the same); to a trader "invalid API key, IP or permissions" is a key problem.
  if (code === 'RATE_LIMIT' && /-2015|-2014|Invalid API-key/.test(raw)) {
    code = 'AUTHENTICATION_ERROR';
    temporary = false;
  }
  return { code, temporary, message: readable(code), snippet };
}
