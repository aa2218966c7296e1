/**
 * Pointing a ccxt exchange somewhere else (testnets, proxies, the fake exchanges in tests), in the
 * two spellings the product has: `baseUrl` on a market source (one origin replaces the scheme and
 * host of every API URL) and `urls` on an account (ccxt's own `urls.api` keys, replaced one by one).
 */

/** Rewrites every string URL in a (nested) ccxt `urls.api` object to the base URL's origin. */
export function rebase(api: unknown, baseUrl: string): unknown {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      try {
        const u = new URL(v);
        return `${base.protocol}//${base.host}${prefix}${u.pathname === '/' ? '' : u.pathname}${u.search}`;
      } catch {
        return v;
      }
    }
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = Array.isArray(v) ? ([] as unknown as Record<string, unknown>) : {};
      for (const [k, x] of Object.entries(v)) o[k] = walk(x);
      return o;
    }
    return v;
  };
  return walk(api);
}

/** Replaces the named entries of ccxt's `urls.api` (an account's `urls`). */
export function overrideUrls(api: unknown, urls: Record<string, string>): unknown {
  const out: Record<string, unknown> = api && typeof api === 'object' ? { ...(api as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(urls)) out[k] = v;
  return out;
}

/**
 * Where requests go, as one string: the exchange's default API, its sandbox, or the origins a
 * `baseUrl` / `urls` override names. Sources and accounts that reach the same place share one
 * circuit breaker and one Retry-After hold.
 */
export function endpointKey(exchange: string, where: { baseUrl?: string | null; urls?: Record<string, string> | null; sandbox?: boolean }): string {
  const origins = new Set<string>();
  const add = (u: string): void => {
    try {
      origins.add(new URL(u).origin);
    } catch {
      origins.add(u);
    }
  };
  if (where.baseUrl) add(where.baseUrl);
  for (const u of Object.values(where.urls ?? {})) add(u);
  const at = origins.size ? [...origins].sort().join(',') : where.sandbox ? 'sandbox' : 'default';
  return `${exchange}@${at}`;
}
