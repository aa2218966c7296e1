/**
 * Collector failures are the gateway's classified exchange faults (engine/exchange/errors.ts);
 * the collector adds which kinds mark a feed failed for good.
 */
import type { ErrorKind } from '../exchange';

export { ExchangeFault as CollectorFault, classify, parseRetryAfter } from '../exchange';

/** Kinds that fail a feed for good: retrying cannot help until the source is changed. */
export const PERMANENT: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['bad_symbol', 'auth']);
