/**
 * The one place ccxt is loaded. It is imported lazily (it is large), once per process; the
 * loaded module is also kept for synchronous error classification.
 */
import type { Exchange, Market, Order } from 'ccxt';

export type { Exchange, Market, Order };
export type CcxtModule = typeof import('ccxt');

let ccxtModule: Promise<CcxtModule> | null = null;
let ccxtLoaded: CcxtModule | null = null;

export const loadCcxt = (): Promise<CcxtModule> =>
  (ccxtModule ??= import('ccxt').then((m) => {
    ccxtLoaded = m;
    return m;
  }));
void loadCcxt().catch(() => undefined);

/** The ccxt module once loaded (null before): classification needs its error classes synchronously. */
export const loadedCcxt = (): CcxtModule | null => ccxtLoaded;

/** Exchange ids ccxt supports, sorted. */
export async function ccxtExchangeIds(): Promise<string[]> {
  const m = await loadCcxt();
  const d = (m as unknown as { default?: { exchanges?: unknown } }).default?.exchanges;
  const ids = Array.isArray(d) ? (d as string[]) : Object.keys(m.exchanges);
  return [...ids].sort();
}

export type ExchangeClass = new (config: object) => Exchange;

/** ccxt's class for an exchange id, or null when ccxt has none. */
export async function exchangeClass(id: string): Promise<ExchangeClass | null> {
  const ccxt = await loadCcxt();
  const Ctor = (ccxt as unknown as Record<string, ExchangeClass | undefined>)[id];
  if (typeof Ctor !== 'function' || !(await ccxtExchangeIds()).includes(id)) return null;
  return Ctor;
}

/**
 * Whether ccxt's exchange has a capability (`fetchOHLCV`, …); null when it cannot tell (no such
 * exchange, or its class fails to construct without configuration).
 */
export async function exchangeHas(id: string, capability: string): Promise<boolean | null> {
  try {
    const Ctor = await exchangeClass(id);
    if (!Ctor) return null;
    return Boolean(new Ctor({}).has[capability]);
  } catch {
    return null;
  }
}
