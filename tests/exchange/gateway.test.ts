/** The exchange gateway: its one error table on real ccxt errors, the instance cache, and endpoints shared by sources and accounts. */
import { describe, expect, it } from 'vitest';
import { classify, ERROR_TABLE, ExchangeFault, ExchangeGateway, endpointKey, loadCcxt } from '../../engine/exchange';
import { mapExchangeError } from '../../engine/orders/reasons';
import { classify as collectorClassify } from '../../engine/market/faults';

describe('the one error table', () => {
  it('classifies real ccxt errors to kind, reason code and policy, most specific class first', async () => {
    const ccxt = (await loadCcxt()) as unknown as Record<string, new (m: string) => Error>;
    const cases: Array<[string, string, string, string]> = [
      ['InsufficientFunds', 'insufficient_funds', 'INSUFFICIENT_FUNDS', 'final'],
      ['PermissionDenied', 'auth', 'AUTHENTICATION_ERROR', 'final'],
      ['RateLimitExceeded', 'rate_limit', 'RATE_LIMIT', 'throttled'],
      ['DDoSProtection', 'ddos_protection', 'RATE_LIMIT', 'throttled'],
      ['RequestTimeout', 'timeout', 'TIMEOUT', 'retryable'],
      ['OnMaintenance', 'exchange_unavailable', 'NETWORK_ERROR', 'retryable'],
      ['NetworkError', 'network', 'NETWORK_ERROR', 'retryable'],
      ['OrderImmediatelyFillable', 'rejected', 'EXCHANGE_REJECTED', 'final'],
      ['BadSymbol', 'bad_symbol', 'INVALID_ORDER', 'final'],
      ['InvalidOrder', 'invalid_order', 'INVALID_ORDER', 'final'],
      ['ExchangeError', 'rejected', 'EXCHANGE_REJECTED', 'final'],
      ['BadResponse', 'bad_response', 'EXCHANGE_ERROR_UNKNOWN', 'retryable'],
      ['OperationFailed', 'unknown', 'EXCHANGE_ERROR_UNKNOWN', 'retryable'],
    ];
    for (const [cls, kind, code, policy] of cases) {
      const f = classify(new ccxt[cls]!('x'));
      expect({ cls, kind: f.kind, code: f.code, policy: f.policy }).toEqual({ cls, kind, code, policy });
    }
    // Every ccxt class named in the table exists in the ccxt we run.
    for (const r of ERROR_TABLE) expect(typeof ccxt[r.ccxtClass], r.ccxtClass).toBe('function');
  });

  it('the order engine and the collector read the same table: reason code and retry for one, kind for the other', async () => {
    const ccxt = (await loadCcxt()) as unknown as Record<string, new (m: string) => Error>;
    const e = new ccxt['ExchangeNotAvailable']!('binance 503');
    expect(mapExchangeError(e)).toMatchObject({ code: 'NETWORK_ERROR', temporary: true, snippet: 'binance 503' });
    expect(collectorClassify(e).info(1)).toEqual({ kind: 'exchange_unavailable', message: 'binance 503', at: 1 });
    // The exchange's words refine a row: a size filter, and Binance's refused key behind a "rate limit".
    expect(mapExchangeError(new ccxt['InvalidOrder']!('Filter failure: NOTIONAL')).code).toBe('MIN_NOTIONAL_NOT_MET');
    expect(classify(new ccxt['DDoSProtection']!('binance {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}'))).toMatchObject({ kind: 'auth', code: 'AUTHENTICATION_ERROR', policy: 'final' });
    // Not ccxt: sockets are network trouble, an unparsable answer a bad response.
    expect(classify(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toMatchObject({ kind: 'network', policy: 'retryable' });
    expect(classify(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({ kind: 'bad_response', code: 'EXCHANGE_ERROR_UNKNOWN' });
    const open = new ExchangeFault('circuit_open', 'circuit open; next probe in 10 ms', 10);
    expect(mapExchangeError(open)).toMatchObject({ code: 'NETWORK_ERROR', temporary: false });
  });
});

describe('instances and endpoints', () => {
  const spec = { exchange: 'binance', timeoutMs: 1000, enableRateLimit: false };

  it('shares one ccxt instance per (exchange, keys, place, options) and forgets it with its last user', async () => {
    const g = new ExchangeGateway();
    const a = g.open({ ...spec, apiKey: 'k', secret: 's', urls: { public: 'http://127.0.0.1:9/api/v3' } });
    const b = g.open({ ...spec, apiKey: 'k', secret: 's', urls: { public: 'http://127.0.0.1:9/api/v3' } });
    const other = g.open({ ...spec, apiKey: 'k2', secret: 's', urls: { public: 'http://127.0.0.1:9/api/v3' } });
    expect(await a.exchange()).toBe(await b.exchange());
    expect(await other.exchange()).not.toBe(await a.exchange());
    expect((await a.exchange()).urls['api']).toMatchObject({ public: 'http://127.0.0.1:9/api/v3' });
    const first = await a.exchange();
    a.close();
    expect(await b.exchange()).toBe(first); // still in use
    b.close();
    const c = g.open({ ...spec, apiKey: 'k', secret: 's', urls: { public: 'http://127.0.0.1:9/api/v3' } });
    expect(await c.exchange()).not.toBe(first);
    c.close();
    other.close();
  });

  it("a collector source's baseUrl and an account's urls on the same origin share one breaker and one Retry-After hold", () => {
    const g = new ExchangeGateway();
    const source = g.open({ ...spec, baseUrl: 'http://127.0.0.1:9', enableRateLimit: true }, { breaker: { failures: 2, openMs: 60_000 } });
    const account = g.open({ ...spec, apiKey: 'k', secret: 's', urls: { public: 'http://127.0.0.1:9/api/v3', private: 'http://127.0.0.1:9/api/v3' } });
    const elsewhere = g.open({ ...spec, baseUrl: 'http://127.0.0.1:10' });
    expect(source.endpoint).toBe(account.endpoint);
    expect(elsewhere.endpoint).not.toBe(source.endpoint);
    source.breaker.failure();
    source.breaker.failure();
    expect(account.breaker.acquire()).toMatchObject({ ok: false });
    expect(elsewhere.breaker.acquire()).toMatchObject({ ok: true });
    expect(endpointKey('binance', {})).toBe('binance@default');
    expect(endpointKey('binance', { sandbox: true })).toBe('binance@sandbox');
    for (const l of [source, account, elsewhere]) l.close();
  });

  it('an exchange ccxt does not have fails as not_supported (INVALID_ORDER), and is not cached', async () => {
    const g = new ExchangeGateway();
    const l = g.open({ ...spec, exchange: 'nosuchexchange' });
    await expect(l.exchange()).rejects.toMatchObject({ kind: 'not_supported', code: 'INVALID_ORDER' });
    l.close();
  });
});
