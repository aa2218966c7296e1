/**
 * The inbound pipeline after an event is received and validated:
 *   enriched → evaluated (quality gates, optional AI review) → published | rejected,
 * each step appended to the event's persisted timeline. A step that throws is retried
 * (ENRICH_ATTEMPTS, short back-off); after that the event goes to the dead-letter queue with its
 * step and error, to be retried or discarded by the user. Published events become signals of the
 * source's channel through SignalsModule.publishExternal (delivery, popups, autopilot and
 * signals.execute unchanged).
 */
import type { AiOpinion, IntakeEvent } from '../api/commands/intake';
import type { Channel, RejectReason } from '../api/commands/signals';
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../api/timeframes';
import type { IntakeEventsRepo, SourceRecord } from '../../db/repos/intake';
import { checkGates } from '../signals/gates';
import type { SignalsModule } from '../signals/module';
import { IntakeBodySchema, type IntakeBody } from './body';
import { enrich, type Enrichment, type IntakeMarket } from './enrich';
import { normaliseSymbol, normaliseTimeframe } from './symbols';
import { gateSkips, type ReviewContext } from './ai/review';

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

export class Pipeline {
  private readonly running = new Set<number>();
  constructor(private readonly d: PipelineDeps) {}

  /** Runs an event from where it stands; concurrent calls for the same event are ignored. */
  async run(id: number): Promise<IntakeEvent | undefined> {
    if (this.running.has(id)) return this.d.events.get(id);
    this.running.add(id);
    try {
      return await this.process(id);
    } finally {
      this.running.delete(id);
    }
  }

  private advance(id: number, p: Parameters<IntakeEventsRepo['advance']>[1]): IntakeEvent {
    const ev = this.d.events.advance(id, p, this.d.wallNow());
    this.d.publish(ev);
    return ev;
  }

  private reject(id: number, code: string, detail: string, extra: Parameters<IntakeEventsRepo['advance']>[1] = { status: 'rejected' }): IntakeEvent {
    return this.advance(id, { ...extra, status: 'rejected', rejectCode: code, rejectDetail: detail, detail: `${code}: ${detail}` });
  }

  private evaluatedThenReject(id: number, code: string, detail: string): IntakeEvent {
    this.advance(id, { status: 'evaluated', detail: `${code}: ${detail}` });
    return this.reject(id, code, detail);
  }

  private async process(id: number): Promise<IntakeEvent | undefined> {
    let ev = this.d.events.get(id);
    if (!ev) return undefined;
    const src = this.d.source(ev.sourceId);
    const ch = src && this.d.channel(src.channelId);
    if (!src || !ch) return this.reject(id, 'SOURCE_GONE', `inbound source ${ev.sourceId} was deleted`);
    const body = IntakeBodySchema.parse(ev.payload);
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
        if (e instanceof StepError && e.step === 'reject') return this.reject(id, 'UNKNOWN_SYMBOL', e.message);
        const msg = e instanceof Error ? e.message : String(e);
        if (attempt >= ENRICH_ATTEMPTS) {
          return this.advance(id, { status: 'dlq', step: 'enrich', error: msg, attempts: ev.attempts + attempt, detail: `enrichment failed ${attempt} times: ${msg}` });
        }
        await this.d.sleep(50 * 4 ** (attempt - 1));
      }
    }
    ev = this.advance(id, { status: 'enriched', enrichment, attempts: ev.attempts + attempt, step: null, error: null });
    // evaluated
    if (body.side === 'close') return this.evaluatedThenReject(id, 'UNSUPPORTED_SIDE', 'close signals are stored but not published (a signal opens a position: buy/long or sell/short)');
    const side = body.side === 'buy' || body.side === 'long' ? 'buy' : 'sell';
    const entry = body.price ?? enrichment.last;
    if (entry === null || entry === undefined) return this.evaluatedThenReject(id, 'STALE_DATA', `no price in the signal and no market data for ${enrichment.symbol} on ${src.market}`);
    const dir = side === 'buy' ? 1 : -1;
    const stopLoss = body.stopLoss ?? entry * (1 - (dir * DEFAULT_STOP_PCT) / 100);
    const takeProfit = body.takeProfit ?? entry * (1 + (dir * DEFAULT_TARGET_PCT) / 100);
    const confidence = body.confidence ?? 1;
    const ts = body.ts ?? ev.createdAt;
    const tfMs = TIMEFRAME_MS[tf];
    const strategy = `inbound:${body.strategy ?? src.name}`.slice(0, 64);
    const reasons = [body.note ?? `${src.name}: ${body.side} ${enrichment.symbol}`, ...enrichment.flags.map((f) => `quality: ${f.replace('_', ' ')}`)];
    let gate: { reason: RejectReason | string; detail: string } | null = null;
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
        paused: this.d.signals.status().paused,
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
    let opinions: AiOpinion[] = [];
    if (!gate && src.config.aiReview !== 'off') {
      const ctx: ReviewContext = {
        signal: { symbol: enrichment.symbol, side, entry, stopLoss, takeProfit, confidence, timeframe: tf, strategy, note: body.note },
        enrichment: { last: enrichment.last, spreadPct: enrichment.spreadPct, support: enrichment.support, resistance: enrichment.resistance, imbalance: enrichment.imbalance, flags: enrichment.flags, features: enrichment.features },
      };
      opinions = await this.d.review(src, ctx, id);
      const skip = src.config.aiReview === 'gate' ? gateSkips(opinions) : undefined;
      if (skip) gate = { reason: 'AI_SKIP', detail: `${skip.provider} advised to skip: ${skip.reasons.join('; ') || 'no reason given'}` };
    }
    ev = this.advance(id, { status: 'evaluated', opinions, detail: gate ? `${gate.reason}: ${gate.detail}` : 'passed the gates' });
    // published | rejected (a rejected inbound signal is stored as a rejected signal too, like an internal one)
    let sig;
    try {
      sig = this.d.signals.publishExternal(ch, {
        source: src.market,
        symbol: enrichment.symbol,
        timeframe: tf,
        strategy,
        strategyKey: `inbound:${src.id}`,
        barTime: ts,
        side,
        entry,
        stopLoss,
        takeProfit,
        confidence,
        reasons: [...reasons, ...opinions.filter((o) => o.status === 'ok').map((o) => `AI ${o.provider}: ${o.verdict} (${Math.round(o.confidence * 100)} %)`)],
        status: gate ? 'rejected' : 'delivered',
        rejectReason: gate ? gate.reason : null,
        rejectDetail: gate ? gate.detail : null,
      });
    } catch (e) {
      return this.advance(id, { status: 'dlq', step: 'publish', error: String(e), detail: `storing the signal failed: ${String(e)}` });
    }
    if (!sig) return this.reject(id, 'DUPLICATE', `a signal for ${enrichment.symbol} ${side} at ${new Date(ts).toISOString()} already exists on this channel`);
    if (gate) return this.reject(id, gate.reason, gate.detail, { status: 'rejected', signalId: sig.id });
    return this.advance(id, { status: 'published', signalId: sig.id, detail: `signal #${sig.id}` });
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
