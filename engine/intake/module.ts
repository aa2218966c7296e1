/**
 * The intake module: inbound sources with sealed secrets, submission (API and
 * webhook), idempotency, the pipeline (engine/intake/pipeline.ts), events, the dead-letter queue,
 * and the AI providers of the second opinion.
 */
import { ApiError } from '../api/errors';
import { DEFAULT_INTAKE_GATES, DEFAULT_LISTENER_PORT, type IntakeListenerSettings, type AiOpinion, type AiProvider, type IntakeEvent, type IntakeSource, type TimelineStep } from '../api/commands/intake';
import type { ParsedInput } from '../api/contract';
import { AiProvidersRepo, IntakeEventsRepo, IntakeSourcesRepo, type ProviderRecord, type SourceConfig, type SourceRecord } from '../../db/repos/intake';
import type { ChannelData } from '../../db/repos/signals';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import { SecretBox } from '../secrets/secret-box';
import type { SignalsModule } from '../signals/module';
import { bodyObject, parseBody } from './body';
import type { IntakeMarket } from './enrich';
import { Pipeline } from './pipeline';
import { newSecret, secretMatches } from './secret';
import { normaliseSymbol } from './symbols';
import { percentile, review, type ReviewContext } from './ai/review';
import { getProfile, PROFILE_NAMES } from '../indicators';
import { SettingsRepo } from '../../db/repos/settings';

const LISTENER_KEY = 'intake.listener';

export interface IntakeOptions {
  wallNow: () => number;
  defaultMarket: string;
  sleep: (ms: number) => Promise<void>;
}

export class IntakeModule implements EngineModule {
  readonly name = 'intake';
  readonly sources: IntakeSourcesRepo;
  readonly events: IntakeEventsRepo;
  readonly providers: AiProvidersRepo;
  readonly pipeline: Pipeline;
  private readonly opts: IntakeOptions;
  private box: SecretBox | null = null;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly signals: SignalsModule,
    private readonly market: IntakeMarket,
    opts: Partial<IntakeOptions> = {},
  ) {
    this.sources = new IntakeSourcesRepo(ctx.db);
    this.events = new IntakeEventsRepo(ctx.db);
    this.providers = new AiProvidersRepo(ctx.db);
    this.opts = { wallNow: Date.now, defaultMarket: 'sim', sleep: (ms) => new Promise((r) => setTimeout(r, ms)), ...opts };
    this.pipeline = new Pipeline({
      events: this.events,
      signals,
      market,
      source: (id) => this.sources.get(id),
      channel: (id) => signals.channels.get(id),
      review: (src, c, eventId) => this.review(c, eventId),
      publish: (ev) => this.ctx.bus.publish('intake.event', ev),
      transaction: (f) => this.ctx.db.transaction(f)(),
      wallNow: () => this.opts.wallNow(),
      sleep: (ms) => this.opts.sleep(ms),
    });
  }

  private secrets(): SecretBox {
    return (this.box ??= new SecretBox(this.ctx.opts.dataDir));
  }

  /** Events a stop left mid-pipeline run again (their timeline shows the restart). */
  start(): void {
    for (const ev of this.events.unfinished()) this.schedule(ev.id);
  }

  /** Resolves when every event being processed now has finished (tests, bench). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private schedule(id: number, fresh?: Parameters<Pipeline['run']>[1]): void {
    const p = this.pipeline.run(id, fresh).catch((e: unknown) => {
      console.error(`[intake] event ${id} failed:`, e);
      try {
        this.ctx.bus.publish('intake.event', this.events.advance(id, { status: 'dlq', step: 'pipeline', error: String(e), detail: String(e) }, this.opts.wallNow()));
      } catch (e2) {
        console.error(`[intake] event ${id} could not be dead-lettered:`, e2);
      }
    });
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  // ───────────────────────────── sources ─────────────────────────────

  private view(s: SourceRecord): IntakeSource {
    return { id: s.id, name: s.name, enabled: s.enabled, market: s.market, ...s.config, channelId: s.channelId, endpoint: `/api/intake/${s.id}`, createdAt: s.createdAt, updatedAt: s.updatedAt };
  }

  private require(id: number): SourceRecord {
    const s = this.sources.get(id);
    if (!s) throw new ApiError('NOT_FOUND', `Inbound source ${id} does not exist`, { id });
    return s;
  }

  private async checkMarket(market: string, profile: string): Promise<void> {
    if (!getProfile(profile)) throw new ApiError('BAD_INPUT', `Unknown feature profile: ${profile} (known: ${PROFILE_NAMES.join(', ')})`, { fields: [{ field: 'profile', message: 'unknown profile' }] });
    try {
      await this.market.symbols(market);
    } catch {
      throw new ApiError('BAD_INPUT', `Unknown market source: ${market}`, { fields: [{ field: 'market', message: 'unknown market source' }] });
    }
  }

  private channelData(name: string, market: string, c: SourceConfig): ChannelData {
    return {
      name: `Inbound: ${name}`,
      // The strategy pipeline never evaluates an inbound channel: its signals come from outside.
      enabled: false,
      strategies: [{ id: 'inbound', params: {} }],
      symbols: { source: market, discovered: true },
      timeframe: c.timeframe as ChannelData['timeframe'],
      profile: c.profile,
      minConfidence: c.minConfidence,
      maxPerDay: c.maxPerDay,
      cooldownMinutes: c.cooldownMinutes,
      autopilot: c.autopilot,
      delivery: c.delivery,
      expiryBars: 50,
      gates: c.gates,
    };
  }

  private async create(i: ParsedInput<'intake.sources.create'>): Promise<IntakeSource & { secret: string }> {
    const market = i.market ?? this.opts.defaultMarket;
    await this.checkMarket(market, i.profile);
    const config: SourceConfig = {
      aiReview: i.aiReview,
      delivery: i.delivery,
      autopilot: i.autopilot,
      gates: { ...DEFAULT_INTAKE_GATES, ...i.gates },
      minConfidence: i.minConfidence,
      maxPerDay: i.maxPerDay,
      cooldownMinutes: i.cooldownMinutes,
      profile: i.profile,
      timeframe: i.timeframe,
    };
    const secret = newSecret();
    const now = this.opts.wallNow();
    const rec = this.ctx.db.transaction(() => {
      const ch = this.signals.channels.insert(this.channelData(i.name, market, config), now);
      return this.sources.insert({ name: i.name, enabled: i.enabled, market, channelId: ch.id, config, secretSealed: this.secrets().seal(secret) }, now);
    })();
    return { ...this.view(rec), secret };
  }

  private async update(i: ParsedInput<'intake.sources.update'>): Promise<IntakeSource | (IntakeSource & { secret: string })> {
    const cur = this.require(i.id);
    const { id: _id, name, enabled, market, rotateSecret, gates, ...rest } = i;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<SourceConfig>;
    const config: SourceConfig = { ...cur.config, ...defined, gates: { ...cur.config.gates, ...gates } };
    const nextMarket = market ?? cur.market;
    await this.checkMarket(nextMarket, config.profile);
    const secret = rotateSecret ? newSecret() : null;
    const now = this.opts.wallNow();
    const rec = this.ctx.db.transaction(() => {
      const nm = name ?? cur.name;
      this.signals.channels.update(cur.channelId, this.channelData(nm, nextMarket, config), now);
      return this.sources.update(cur.id, { name: nm, enabled: enabled ?? cur.enabled, market: nextMarket, config, secretSealed: secret ? this.secrets().seal(secret) : cur.secretSealed }, now);
    })();
    return secret ? { ...this.view(rec), secret } : this.view(rec);
  }

  // ───────────────────────────── submission ─────────────────────────────

  /** Validates and stores a body (received → validated), answers its eventId, then runs the pipeline. */
  async submit(sourceId: number, payload: unknown, secret?: string | null): Promise<{ eventId: number; duplicate: boolean }> {
    const src = this.sources.get(sourceId);
    if (secret !== undefined) {
      // The webhook: a missing source answers like a wrong secret (no probing for source ids).
      const body = src ? safeObject(payload) : null;
      const given = secret ?? (typeof body?.secret === 'string' ? body.secret : null);
      if (!src || !secretMatches(this.secrets().open(src.secretSealed), given)) throw new ApiError('UNAUTHORIZED', 'Wrong or missing source secret (X-Signaldesk-Secret header or `secret` field)');
    }
    if (!src) throw new ApiError('NOT_FOUND', `Inbound source ${sourceId} does not exist`, { fields: [{ field: 'source', message: 'no such source' }] });
    if (!src.enabled) throw new ApiError('CONFLICT', `Inbound source ${src.name} is disabled`, { source: sourceId });
    const received = this.opts.wallNow();
    const obj = bodyObject(payload);
    const body = parseBody(obj);
    // Symbols the market knows are checked now (400 naming the field); an unreachable market is the enrichment's problem.
    let offered: string[] | null = null;
    try {
      offered = await this.market.symbols(src.market);
    } catch {
      offered = null;
    }
    if (offered && !normaliseSymbol(body.symbol, offered)) {
      throw new ApiError('BAD_INPUT', `Invalid signal: symbol (${body.symbol} is not a symbol of ${src.market})`, { fields: [{ field: 'symbol', message: `not a symbol of ${src.market}` }] });
    }
    const { secret: _s, ...stored } = obj;
    const timeline: TimelineStep[] = [
      { status: 'received', at: received },
      { status: 'validated', at: this.opts.wallNow() },
    ];
    const r = this.events.insert(src.id, body.idempotencyKey ?? null, stored, timeline, received);
    if (r.event) {
      this.ctx.bus.publish('intake.event', r.event);
      this.schedule(r.id, { event: r.event, body });
    }
    return { eventId: r.id, duplicate: r.duplicate };
  }

  // ───────────────────────────── AI ─────────────────────────────

  private providerView(p: ProviderRecord): AiProvider {
    const m = this.providers.metrics(p.id);
    return {
      id: p.id,
      name: p.name,
      baseUrl: p.baseUrl,
      model: p.model,
      hasApiKey: p.apiKeySealed !== null,
      timeoutMs: p.timeoutMs,
      enabled: p.enabled,
      metrics: { calls: m.calls, latencyP50Ms: percentile(m.latencies, 50), latencyP95Ms: percentile(m.latencies, 95), tokens: m.tokens, errors: m.errors, invalidOutputs: m.invalidOutputs },
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }

  private requireProvider(id: number): ProviderRecord {
    const p = this.providers.get(id);
    if (!p) throw new ApiError('NOT_FOUND', `AI provider ${id} does not exist`, { id });
    return p;
  }

  async review(c: ReviewContext, eventId: number | null): Promise<AiOpinion[]> {
    const list = this.providers.list().filter((p) => p.enabled);
    return review(
      list.map((p) => ({ ...p, apiKey: p.apiKeySealed ? this.secrets().open(p.apiKeySealed) : null })),
      c,
      this.providers,
      eventId,
      this.opts.wallNow,
    );
  }

  listener(): IntakeListenerSettings {
    return new SettingsRepo(this.ctx.db).get<IntakeListenerSettings>(LISTENER_KEY) ?? { enabled: false, port: DEFAULT_LISTENER_PORT };
  }

  // ───────────────────────────── DLQ ─────────────────────────────

  private requireEvent(id: number): IntakeEvent {
    const e = this.events.get(id);
    if (!e) throw new ApiError('NOT_FOUND', `Inbound event ${id} does not exist`, { id });
    return e;
  }

  readonly handlers: Partial<Handlers> = {
    'intake.sources.list': () => this.sources.list().map((s) => this.view(s)),
    'intake.sources.create': (i) => this.create(i),
    'intake.sources.update': (i) => this.update(i),
    'intake.sources.delete': ({ id }) => {
      const s = this.require(id);
      const now = this.opts.wallNow();
      return { deleted: this.ctx.db.transaction(() => (this.signals.channels.delete(s.channelId, now), this.sources.delete(id, now)))() };
    },
    'intake.submit': ({ source, payload }) => this.submit(source, payload),
    'intake.webhook': ({ source, secret, body }) => this.submit(source, body, secret),
    'intake.events.list': (q) => this.events.list(q),
    'intake.events.get': ({ id }) => this.requireEvent(id),
    'intake.dlq.list': ({ limit }) => this.events.list({ status: 'dlq', limit }),
    'intake.dlq.retry': async ({ id }) => {
      const e = this.requireEvent(id);
      if (e.status !== 'dlq') return e;
      this.events.advance(id, { status: 'validated', detail: `retried from the dead-letter queue (failed at ${e.step ?? 'unknown step'})` }, this.opts.wallNow());
      return (await this.pipeline.run(id)) ?? this.requireEvent(id);
    },
    'intake.dlq.discard': ({ id }) => {
      const e = this.requireEvent(id);
      if (e.status !== 'dlq') return { discarded: false };
      this.ctx.bus.publish('intake.event', this.events.advance(id, { status: 'failed', detail: 'discarded from the dead-letter queue' }, this.opts.wallNow()));
      return { discarded: true };
    },
    'intake.listener.get': () => this.listener(),
    'intake.listener.set': ({ enabled, port }) => {
      const next: IntakeListenerSettings = { enabled, port: port ?? this.listener().port };
      new SettingsRepo(this.ctx.db).set(LISTENER_KEY, next);
      this.ctx.bus.publish('intake.listener', next);
      return next;
    },
    'ai.providers.list': () => this.providers.list().map((p) => this.providerView(p)),
    'ai.providers.create': (i) => {
      const p = this.providers.insert({ name: i.name, baseUrl: i.baseUrl, model: i.model, apiKeySealed: i.apiKey ? this.secrets().seal(i.apiKey) : null, timeoutMs: i.timeoutMs, enabled: i.enabled }, this.opts.wallNow());
      return this.providerView(p);
    },
    'ai.providers.update': (i) => {
      const cur = this.requireProvider(i.id);
      const apiKeySealed = i.apiKey === undefined ? cur.apiKeySealed : i.apiKey === null ? null : this.secrets().seal(i.apiKey);
      const p = this.providers.update(
        cur.id,
        { name: i.name ?? cur.name, baseUrl: i.baseUrl ?? cur.baseUrl, model: i.model ?? cur.model, apiKeySealed, timeoutMs: i.timeoutMs ?? cur.timeoutMs, enabled: i.enabled ?? cur.enabled },
        this.opts.wallNow(),
      );
      return this.providerView(p);
    },
    'ai.providers.delete': ({ id }) => {
      this.requireProvider(id);
      return { deleted: this.providers.delete(id, this.opts.wallNow()) };
    },
  };
}

function safeObject(payload: unknown): Record<string, unknown> | null {
  try {
    return bodyObject(payload);
  } catch {
    return null;
  }
}
