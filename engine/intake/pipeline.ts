/**
 * The inbound pipeline after an event is received and validated:
 *   enriched → evaluated (quality gates, optional AI review) → published | rejected,
 * each step appended to the event's persisted timeline. A step that throws is retried
 * (ENRICH_ATTEMPTS, short back-off); after that the event goes to the dead-letter queue with its
 * step and error, to be retried or discarded by the user. Published events become signals of the
 * source's channel (SignalsModule.storeExternal, then announceExternal: delivery, popups,
 * autopilot and signals.execute unchanged).
 *
 * Speed under bursts: the synchronous part of every event ready at the same moment (from
 * `enriched` to `published`) runs in one drain — one transaction, each event in its own
 * savepoint — and is told (intake.event, the signal's delivery) after the commit. The event is
 * kept in memory between steps (no read-back), and submit hands over its parsed body.
 */
import { performance } from 'node:perf_hooks';
import type { AiOpinion, IntakeEvent } from '../api/commands/intake';
import type { Channel, RejectReason, SignalAiReview } from '../api/commands/signals';
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../api/timeframes';
import type { IntakeEventsRepo, SourceRecord } from '../../db/repos/intake';
import { checkGates } from '../signals/gates';
import type { SignalsModule } from '../signals/module';
import { IntakeBodySchema, type IntakeBody } from './body';
import { enrich, type Enrichment, type IntakeMarket } from './enrich';
import { normaliseSymbol, normaliseTimeframe } from './symbols';
import { aiGate, type ReviewContext } from './ai/review';

export const ENRICH_ATTEMPTS = 3;
/** Stop / target when the signal names none: this % of the entry. */
const DEFAULT_STOP_PCT = 1.5;
const DEFAULT_TARGET_PCT = 3;

export interface PipelineDeps {
  events: IntakeEventsRepo;
  signals: SignalsModule;
  market: IntakeMarket;
  source(id: number): SourceRecord | undefined;
  channel(id: number): Channel | undefined;
  review(src: SourceRecord, ctx: ReviewContext, eventId: number): Promise<AiOpinion[]>;
  publish(ev: IntakeEvent): void;
  /** Runs writes in one transaction (nested calls become savepoints). */
  transaction<T>(f: () => T): T;
  wallNow(): number;
  sleep(ms: number): Promise<void>;
}

class StepError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the gates decided for a signal, before the optional AI review. */
interface Plan {
  symbol: string;
  tf: Timeframe;
  side: 'buy' | 'sell';
  entry: number;
  stopLoss: number;
  takeProfit: number;
  confidence: number;
  ts: number;
  strategy: string;
  reasons: string[];
  gate: { reason: RejectReason | string; detail: string } | null;
}

interface DrainJob {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class Pipeline {
  private readonly running = new Set<number>();
  private readonly queue: DrainJob[] = [];
  /** Inside a drain: what to tell after its commit. */
  private deferred: Array<() => void> | null = null;
  constructor(private readonly d: PipelineDeps) {}

  /**
   * Runs an event from where it stands; concurrent calls for the same event are ignored. `fresh`
   * is the event and its parsed body as submit just stored them (spares a read and a parse).
   */
  async run(id: number, fresh?: { event: IntakeEvent; body: IntakeBody }): Promise<IntakeEvent | undefined> {
    if (this.running.has(id)) return this.d.events.get(id);
    this.running.add(id);
    try {
      return await this.process(id, fresh);
    } finally {
      this.running.delete(id);
    }
  }

  /** Appends a step to the event held in memory (one UPDATE, no read-back) and announces it. */
  private advance(ev: IntakeEvent, p: Parameters<IntakeEventsRepo['advance']>[1]): IntakeEvent {
    const next = this.d.events.advance(ev.id, p, this.d.wallNow(), ev);
    this.later(() => this.d.publish(next));
    return next;
  }

  private reject(ev: IntakeEvent, code: string, detail: string, extra: Parameters<IntakeEventsRepo['advance']>[1] = { status: 'rejected' }): IntakeEvent {
    return this.advance(ev, { ...extra, status: 'rejected', rejectCode: code, rejectDetail: detail, detail: `${code}: ${detail}` });
  }

  private evaluatedThenReject(ev: IntakeEvent, code: string, detail: string): IntakeEvent {
    return this.reject(this.advance(ev, { status: 'evaluated', detail: `${code}: ${detail}` }), code, detail);
  }

  private async process(id: number, fresh?: { event: IntakeEvent; body: IntakeBody }): Promise<IntakeEvent | undefined> {
    const ev = fresh?.event ?? this.d.events.get(id);
    if (!ev) return undefined;
    const src = this.d.source(ev.sourceId);
    const ch = src && this.d.channel(src.channelId);
    if (!src || !ch) return this.reject(ev, 'SOURCE_GONE', `inbound source ${ev.sourceId} was deleted`);
    const body = fresh?.body ?? IntakeBodySchema.parse(ev.payload);
    const tf = (normaliseTimeframe(body.timeframe, TIMEFRAMES) ?? src.config.timeframe) as Timeframe;
    // enriched
    let enrichment: Enrichment;
    let attempt = 0;
    for (;;) {
      attempt++;
      try {
        enrichment = await this.enrichOnce(src, body, tf);
        break;
      } catch (e) {
        if (e instanceof StepError && e.step === 'reject') return this.reject(ev, 'UNKNOWN_SYMBOL', e.message);
        const msg = e instanceof Error ? e.message : String(e);
        if (attempt >= ENRICH_ATTEMPTS) {
          return this.advance(ev, { status: 'dlq', step: 'enrich', error: msg, attempts: ev.attempts + attempt, detail: `enrichment failed ${attempt} times: ${msg}` });
        }
        await this.d.sleep(50 * 4 ** (attempt - 1));
      }
    }
    const enriched: IntakeEvent = ev;
    const steps = { status: 'enriched' as const, enrichment, attempts: ev.attempts + attempt, step: null, error: null };
    // Without an AI review everything from `enriched` to `published` is synchronous: it joins the
    // current drain (one transaction for every event ready now, announcements after the commit).
    if (src.config.aiReview === 'off') {
      return this.inDrain(() => {
        const a = this.evaluate(this.advance(enriched, steps), src, ch, body, tf, enrichment);
        return 'plan' in a ? this.decide(a.ev, src, ch, a.plan, []) : a.done;
      });
    }
    const a = await this.inDrain(() => this.evaluate(this.advance(enriched, steps), src, ch, body, tf, enrichment));
    if (!('plan' in a)) return a.done;
    const { plan } = a;
    let opinions: AiOpinion[] = [];
    let reviewed: SignalAiReview | null = null;
    if (!plan.gate) {
      const ctx: ReviewContext = {
        signal: { symbol: enrichment.symbol, side: plan.side, entry: plan.entry, stopLoss: plan.stopLoss, takeProfit: plan.takeProfit, confidence: plan.confidence, timeframe: tf, strategy: plan.strategy, note: body.note },
        enrichment: { last: enrichment.last, spreadPct: enrichment.spreadPct, support: enrichment.support, resistance: enrichment.resistance, imbalance: enrichment.imbalance, flags: enrichment.flags, features: enrichment.features },
      };
      opinions = await this.d.review(src, ctx, id);
      plan.gate = aiGate(src.config.aiReview, opinions);
      reviewed = { mode: src.config.aiReview, opinions };
    }
    return this.inDrain(() => this.decide(a.ev, src, ch, plan, opinions, reviewed));
  }

  /** The quality flags and the gates (synchronous): a plan for the signal, or the event's end. */
  private evaluate(ev: IntakeEvent, src: SourceRecord, ch: Channel, body: IntakeBody, tf: Timeframe, enrichment: Enrichment): { ev: IntakeEvent; plan: Plan } | { done: IntakeEvent } {
    if (body.side === 'close') return { done: this.evaluatedThenReject(ev, 'UNSUPPORTED_SIDE', 'close signals are stored but not published (a signal opens a position: buy/long or sell/short)') };
    const side = body.side === 'buy' || body.side === 'long' ? 'buy' : 'sell';
    const entry = body.price ?? enrichment.last;
    if (entry === null || entry === undefined) return { done: this.evaluatedThenReject(ev, 'STALE_DATA', `no price in the signal and no market data for ${enrichment.symbol} on ${src.market}`) };
    const dir = side === 'buy' ? 1 : -1;
    const stopLoss = body.stopLoss ?? entry * (1 - (dir * DEFAULT_STOP_PCT) / 100);
    const takeProfit = body.takeProfit ?? entry * (1 + (dir * DEFAULT_TARGET_PCT) / 100);
    const confidence = body.confidence ?? 1;
    const ts = body.ts ?? ev.createdAt;
    const tfMs = TIMEFRAME_MS[tf];
    const strategy = `inbound:${body.strategy ?? src.name}`.slice(0, 64);
    const reasons = [body.note ?? `${src.name}: ${body.side} ${enrichment.symbol}`, ...enrichment.flags.map((f) => `quality: ${f.replace('_', ' ')}`)];
    let gate: Plan['gate'] = null;
    if (enrichment.flags.includes('missing_data')) gate = { reason: 'STALE_DATA', detail: `no candles for ${enrichment.symbol} ${tf} on ${src.market}` };
    else if (enrichment.flags.includes('stale_candles')) gate = { reason: 'STALE_DATA', detail: `the newest ${tf} candle of ${enrichment.symbol} on ${src.market} is older than ${src.config.gates.staleBars} bars` };
    if (!gate) {
      // The signal's own time stands for the bar close (barTime = ts − timeframe); candle staleness was checked above.
      gate = checkGates({
        channel: { ...ch, gates: { ...ch.gates, staleBars: Number.POSITIVE_INFINITY } },
        timeframe: tf,
        barTime: ts - tfMs,
        decision: { side, entry, stopLoss, takeProfit, confidence, reasons },
        now: this.d.wallNow(),
        paused: this.d.signals.isPaused(),
        barsSeen: 1,
        warmupNeeded: 0,
        lastPrice: enrichment.last ?? undefined,
        lastDeliveredBar: () => this.d.signals.signals.lastDeliveredBar(ch.id, enrichment.symbol, tf),
        deliveredToday: () => {
          const day = ts - (((ts % 86_400_000) + 86_400_000) % 86_400_000);
          return this.d.signals.signals.deliveredSince(ch.id, day, day + 86_400_000);
        },
      });
    }
    return { ev, plan: { symbol: enrichment.symbol, tf, side, entry, stopLoss, takeProfit, confidence, ts, strategy, reasons, gate } };
  }

  /** evaluated → the signal stored → published | rejected (synchronous; the signal is announced after the commit). */
  private decide(ev: IntakeEvent, src: SourceRecord, ch: Channel, plan: Plan, opinions: AiOpinion[], reviewed: SignalAiReview | null = null): IntakeEvent {
    const { gate } = plan;
    ev = this.advance(ev, { status: 'evaluated', opinions, detail: gate ? `${gate.reason}: ${gate.detail}` : 'passed the gates' });
    // published | rejected (a rejected inbound signal is stored as a rejected signal too, like an internal one)
    const received = performance.now();
    let sig;
    try {
      sig = this.d.signals.storeExternal(ch, {
        source: src.market,
        symbol: plan.symbol,
        timeframe: plan.tf,
        strategy: plan.strategy,
        strategyKey: `inbound:${src.id}`,
        barTime: plan.ts,
        side: plan.side,
        entry: plan.entry,
        stopLoss: plan.stopLoss,
        takeProfit: plan.takeProfit,
        confidence: plan.confidence,
        reasons: [...plan.reasons, ...opinions.filter((o) => o.status === 'ok').map((o) => `AI ${o.provider}: ${o.verdict} (${Math.round(o.confidence * 100)} %)`)],
        status: gate ? 'rejected' : 'delivered',
        rejectReason: gate ? gate.reason : null,
        rejectDetail: gate ? gate.detail : null,
        aiReview: reviewed,
      });
    } catch (e) {
      return this.advance(ev, { status: 'dlq', step: 'publish', error: String(e), detail: `storing the signal failed: ${String(e)}` });
    }
    if (!sig) return this.reject(ev, 'DUPLICATE', `a signal for ${plan.symbol} ${plan.side} at ${new Date(plan.ts).toISOString()} already exists on this channel`);
    const stored = sig;
    this.later(() => this.d.signals.announceExternal(stored, ch, received));
    if (gate) return this.reject(ev, gate.reason, gate.detail, { status: 'rejected', signalId: sig.id });
    return this.advance(ev, { status: 'published', signalId: sig.id, detail: `signal #${sig.id}` });
  }

  // ───────────────────────────── drains ─────────────────────────────

  /** Runs `f` in the next drain: with every other step ready now, in one transaction. */
  private inDrain<T>(f: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: f, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.drain());
    });
  }

  /**
   * One commit for every job queued: each job runs in its own savepoint (one failing rolls back
   * only its own writes and fails only its event); what a job would tell (intake.event, the
   * signal's delivery) is told after the commit, so nobody hears of a step the database lacks.
   */
  private drain(): void {
    const jobs = this.queue.splice(0);
    const results: Array<{ ok: true; v: unknown } | { ok: false; e: unknown }> = [];
    const told: Array<() => void> = [];
    try {
      this.d.transaction(() => {
        for (const j of jobs) {
          const mine: Array<() => void> = [];
          this.deferred = mine;
          try {
            results.push({ ok: true, v: this.d.transaction(j.run) });
            told.push(...mine);
          } catch (e) {
            results.push({ ok: false, e });
          }
        }
      });
    } catch (e) {
      for (const j of jobs) j.reject(e);
      return;
    } finally {
      this.deferred = null;
    }
    // The signals' deliveries are written in one transaction too (Dispatcher.batch).
    this.d.signals.announceMany(() => {
      for (const f of told) {
        try {
          f();
        } catch (e) {
          console.error('[intake] announcing a step failed:', e);
        }
      }
    });
    jobs.forEach((j, i) => {
      const r = results[i]!;
      if (r.ok) j.resolve(r.v);
      else j.reject(r.e);
    });
  }

  /** Tells now, or after the drain's commit when inside one. */
  private later(f: () => void): void {
    if (this.deferred) this.deferred.push(f);
    else f();
  }

  private async enrichOnce(src: SourceRecord, body: IntakeBody, tf: Timeframe): Promise<Enrichment> {
    const offered = await this.d.market.symbols(src.market);
    const symbol = normaliseSymbol(body.symbol, offered);
    if (!symbol) throw new StepError('reject', `${body.symbol} is not a symbol of ${src.market}`);
    // The market's clock (engine time on the sim, with one tick of slack for candle staleness).
    const clock = this.d.signals.gateClock(src.market, symbol, tf);
    return enrich(this.d.market, src.market, symbol, tf, src.config.profile, clock.now, src.config.gates.staleBars, clock.slackMs);
  }
}
