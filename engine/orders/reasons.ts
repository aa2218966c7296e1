/**
 * Order reason codes as a trader reads them, and exchange errors as an order decision sees them.
 * The table from ccxt's error classes to reason codes (and what may be retried) is the gateway's:
 * engine/exchange/errors.ts, shared with the collector.
 */
import type { ReasonCode } from '../api/commands/orders';
import { classify } from '../exchange';

export interface MappedError {
  code: ReasonCode;
  temporary: boolean;
  message: string;
  /** The exchange's own words, trimmed (what the UI shows as the snippet). */
  snippet: string;
}

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

/** An exchange failure as a decision records it: reason code, whether it was temporary, the exchange's words. */
export function mapExchangeError(err: unknown): MappedError {
  const f = classify(err);
  return { code: f.code, temporary: f.policy !== 'final', message: readable(f.code), snippet: f.message };
}
