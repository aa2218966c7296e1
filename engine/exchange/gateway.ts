/**
 * The exchange gateway: one ccxt instance per (exchange, keys, where it points, options), shared
 * by every source and account that asks for the same; one endpoint state (circuit breaker and
 * Retry-After hold) per place requests go, shared by the collector and the brokers; every request
 * through the one retrier. A link is one user's handle; closing the last link of an instance or an
 * endpoint forgets it (a re-added source starts fresh).
 */
import crypto from 'node:crypto';
import { CircuitBreaker, type BreakerConfig } from './breaker';
import { exchangeClass, type Exchange } from './ccxt';
import { ExchangeFault, parseRetryAfter } from './errors';
import { retrying, type CallOptions, type EndpointState, type RetryPolicy } from './retry';
import { endpointKey, overrideUrls, rebase } from './urls';

export interface InstanceSpec {
  exchange: string;
  apiKey?: string;
  secret?: string;
  password?: string;
  /** A market source's override: one origin for every API URL. */
  baseUrl?: string | null;
  /** An account's override: ccxt `urls.api` entries by name. */
  urls?: Record<string, string> | null;
  sandbox?: boolean;
  timeoutMs: number;
  /** ccxt's own request spacing (ms) when `enableRateLimit`. */
  rateLimitMs?: number | null;
  enableRateLimit: boolean;
}

export const DEFAULT_BREAKER: BreakerConfig = { failures: 5, openMs: 30_000 };
export const DEFAULT_RETRY: RetryPolicy = { retries: 0, retryBaseMs: 250, backoffBaseMs: 1000, backoffMaxMs: 60_000, maxHoldMs: Number.POSITIVE_INFINITY };

interface InstanceEntry {
  ex: Promise<Exchange>;
  markets: Promise<unknown> | null;
  users: number;
}

interface Endpoint extends EndpointState {
  users: number;
}

export class ExchangeGateway {
  private readonly instances = new Map<string, InstanceEntry>();
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * A handle on the exchange for one user. `breaker` (re)configures the endpoint's breaker; a
   * later link that gives one changes it for everyone on that endpoint.
   */
  open(spec: InstanceSpec, o: { breaker?: BreakerConfig; policy?: Partial<RetryPolicy>; now?: () => number } = {}): ExchangeLink {
    const ik = instanceKey(spec);
    let inst = this.instances.get(ik);
    if (!inst) {
      inst = { ex: createExchange(spec), markets: null, users: 0 };
      inst.ex.catch(() => this.instances.get(ik) === inst && this.instances.delete(ik));
      this.instances.set(ik, inst);
    }
    inst.users++;
    const ek = endpointKey(spec.exchange, spec);
    const endpoint = this.useEndpoint(ek, o.breaker);
    const entry = inst;
    return new ExchangeLink(entry, endpoint, { ...DEFAULT_RETRY, ...o.policy }, o.now ?? this.now, () => this.release(ik, entry, ek, endpoint));
  }

  /**
   * A handle on a plain HTTP endpoint (an http_json source's origin) with the same machinery as an
   * exchange: one breaker and Retry-After hold per key, shared by every source that reaches it,
   * and every request through the one retrier.
   */
  openEndpoint(key: string, o: { breaker?: BreakerConfig; policy?: Partial<RetryPolicy>; now?: () => number } = {}): EndpointLink {
    const ek = `http@${key}`;
    const endpoint = this.useEndpoint(ek, o.breaker);
    let closed = false;
    return new EndpointLink(endpoint, { ...DEFAULT_RETRY, ...o.policy }, o.now ?? this.now, () => {
      if (closed) return;
      closed = true;
      if (--endpoint.users <= 0 && this.endpoints.get(ek) === endpoint) this.endpoints.delete(ek);
    });
  }

  /** The endpoint under `ek` (made on first use), one more user on it; `breaker` reconfigures it for everyone. */
  private useEndpoint(ek: string, breaker: BreakerConfig | undefined): Endpoint {
    let ep = this.endpoints.get(ek);
    if (!ep) {
      ep = { key: ek, breaker: new CircuitBreaker({ ...(breaker ?? DEFAULT_BREAKER) }, this.now), holdUntil: 0, throttles: 0, users: 0 };
      this.endpoints.set(ek, ep);
    } else if (breaker) ep.breaker.cfg = { ...breaker };
    ep.users++;
    return ep;
  }

  private release(ik: string, inst: InstanceEntry, ek: string, ep: Endpoint): void {
    if (--inst.users <= 0 && this.instances.get(ik) === inst) this.instances.delete(ik);
    if (--ep.users <= 0 && this.endpoints.get(ek) === ep) this.endpoints.delete(ek);
  }
}

export class ExchangeLink {
  private closed = false;
  /** A stopped link fails its requests (a removed source's polls end quietly). */
  stopped = false;

  constructor(
    private readonly inst: InstanceEntry,
    readonly endpoint: EndpointState,
    readonly policy: RetryPolicy,
    private readonly now: () => number,
    private readonly onClose: () => void,
  ) {}

  get breaker(): CircuitBreaker {
    return this.endpoint.breaker;
  }

  exchange(): Promise<Exchange> {
    return this.inst.ex;
  }

  /** The exchange with its markets loaded (once per instance; a failure is retried by the next caller). */
  async ready(o: CallOptions<unknown> = {}): Promise<Exchange> {
    const ex = await this.exchange();
    if (!this.inst.markets) {
      const p = this.call((x) => x.loadMarkets(), o);
      this.inst.markets = p;
      p.catch(() => {
        if (this.inst.markets === p) this.inst.markets = null;
      });
    }
    await this.inst.markets;
    return ex;
  }

  /** One request through the retrier (back-off, Retry-After, breaker). Throws an ExchangeFault. */
  async call<T>(fn: (ex: Exchange) => Promise<T>, o: CallOptions<T> = {}): Promise<T> {
    const ex = await this.exchange();
    return retrying(ex, this.endpoint, fn, { ...this.policy, ...o }, this.now, () => this.stopped);
  }

  /** Lets go of the shared instance and endpoint; requests already running finish. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }

  /** Stops this link's requests and lets go. */
  close(): void {
    this.stopped = true;
    this.release();
  }
}

/** One user's handle on a plain HTTP endpoint (see ExchangeGateway.openEndpoint). */
export class EndpointLink {
  stopped = false;
  constructor(
    readonly endpoint: EndpointState,
    readonly policy: RetryPolicy,
    private readonly now: () => number,
    private readonly onClose: () => void,
  ) {}

  get breaker(): CircuitBreaker {
    return this.endpoint.breaker;
  }

  /** One request through the retrier; `fn` throws an ExchangeFault (or any error, classified). */
  call<T>(fn: () => Promise<T>, o: CallOptions<T> = {}): Promise<T> {
    return retrying(null, this.endpoint, () => fn(), { ...this.policy, ...o }, this.now, () => this.stopped);
  }

  close(): void {
    this.stopped = true;
    this.onClose();
  }
}

/** The process's gateway: the collector and the brokers share it (and so its breakers and holds). */
export const exchangeGateway = new ExchangeGateway();

function instanceKey(s: InstanceSpec): string {
  const keys = crypto.createHash('sha256').update(JSON.stringify([s.apiKey ?? '', s.secret ?? '', s.password ?? ''])).digest('hex');
  const urls = s.urls ? Object.entries(s.urls).sort(([a], [b]) => a.localeCompare(b)) : null;
  return JSON.stringify([s.exchange, keys, s.baseUrl ?? null, urls, s.sandbox ?? false, s.timeoutMs, s.rateLimitMs ?? null, s.enableRateLimit]);
}

async function createExchange(s: InstanceSpec): Promise<Exchange> {
  const Ctor = await exchangeClass(s.exchange);
  if (!Ctor) throw new ExchangeFault('not_supported', `ccxt has no exchange "${s.exchange}"`);
  // A derivatives class (binanceusdm, …) keeps its own market types: its funding, open interest
  // and books are on swaps; forcing spot would load markets it does not trade.
  const ownType = (new Ctor({}).options as { defaultType?: string } | undefined)?.defaultType;
  const spotOptions = !ownType || ownType === 'spot' ? { defaultType: 'spot', fetchMarkets: { types: ['spot'] } } : {};
  const ex = new Ctor({
    apiKey: s.apiKey,
    secret: s.secret,
    password: s.password,
    timeout: s.timeoutMs,
    enableRateLimit: s.enableRateLimit,
    ...(s.rateLimitMs !== null && s.rateLimitMs !== undefined ? { rateLimit: s.rateLimitMs } : {}),
    options: { ...spotOptions, fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: false },
  });
  if (s.sandbox) ex.setSandboxMode(true);
  if (s.baseUrl) ex.urls['api'] = rebase(ex.urls['api'], s.baseUrl) as (typeof ex.urls)['api'];
  if (s.urls) ex.urls['api'] = overrideUrls(ex.urls['api'], s.urls) as (typeof ex.urls)['api'];
  keepRetryAfter(ex);
  return ex;
}

/**
 * Keeps the Retry-After of each failed answer on the error it becomes (concurrency-safe: the
 * header travels with its own response, not through ccxt's last_response_headers).
 */
function keepRetryAfter(ex: Exchange): void {
  type Handler = (...a: unknown[]) => Promise<unknown>;
  const target = ex as unknown as { handleRestResponse: Handler };
  const orig = target.handleRestResponse.bind(ex);
  target.handleRestResponse = (response: unknown, ...rest: unknown[]) =>
    orig(response, ...rest).catch((e: unknown) => {
      const h = (response as { headers?: { get?: (k: string) => string | null } & Record<string, unknown> }).headers;
      const raw = typeof h?.get === 'function' ? h.get('retry-after') : (h?.['retry-after'] as string | undefined);
      const ms = parseRetryAfter(raw ?? null);
      if (ms !== null && e && typeof e === 'object') (e as { retryAfterMs?: number }).retryAfterMs = ms;
      throw e;
    });
}
