/**
 * The signals module: channels → per-bar strategy evaluation → quality gates →
 * persisted signal → delivery (engine/delivery) → tracked outcome.
 *
 * On `candle.closed` each (source, symbol, timeframe) that some channel wants has ONE feature
 * engine with the union of the indicators its channels need; each (symbol, timeframe,
 * strategy+params) is evaluated ONCE per bar and its decision fanned out to every channel that
 * wants it. Each channel's copy passes the quality gates (engine/signals/gates.ts), is persisted
 * (dedup key: channel, symbol, timeframe, bar time, side) and only then handed to the delivery
 * layer (the channel's targets: desktop, telegram, webhook:<id>) and published as
 * `signal.created` (the order engine's autopilot listens to it). Rejected signals are stored
 * with their reason and published as `signal.updated`.
 */
import { performance } from 'node:perf_hooks';
import { type Channel, type PerformanceResult, type Signal, type SignalAiReview, type SignalsStatus } from '../api/commands/signals';
import type { ParsedInput } from '../api/contract';
import type { CandleEvent } from '../api/commands/market';
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';
import { ChannelsRepo, DeliveriesRepo, OutcomesRepo, SignalsRepo, type ChannelData, type NewSignal } from '../../db/repos/signals';
import { SettingsRepo } from '../../db/repos/settings';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { SignalDelivery } from '../delivery/module';
import { usableDecision } from '../strategies/common';
import type { StrategyDecision } from '../strategies/types';
import { checkGates, DeliveredToday } from './gates';
import { ExtFeatures } from './ext-features';
import { performanceOf, SignalStatuses } from './signal-status';
import { signalsHandlers } from './handlers';
import { reviewSignal, type Reviewer } from './ai-review';
import type { Features } from '../indicators/types';
import { OutcomeTracker, seriesKey } from './tracker';
import { Planner, type Evaluator, type FeatureDemand, type FeaturesEvent, type MarketReader, type Series } from './planner';
import { ensureStarterChannel, validateChannel } from './channels';

export { WARMUP_FACTOR, type MarketReader, type FeatureDemand, type FeaturesEvent } from './planner';
export { STARTER_CHANNEL } from './channels';

const PAUSE_KEY = 'signals.paused';
/** The simulated market's source id (SIM_SOURCE_ID in engine/market/module.ts, not imported: that pulls in ccxt). */
const SIM_SOURCE_ID = 'sim';

/** Throws to refuse storing a channel (`before` null: a new one); `confirm` is the user's typed override. */
export type ChannelGuard = (before: Channel | null, after: ChannelData, confirm: string | undefined) => void;

export interface SignalsOptions {
  /** Snooze wake-up / discovered-list refresh period (ms). */
  timerMs: number;
  /** Wall clock for latencies and snoozes. */
  wallNow: () => number;
  /** Warm-ups of at least `poolMinBars` bars run in the indicator worker pool (in process otherwise, or when the pool fails). */
  usePool: boolean;
  poolMinBars: number;
  /** Create the starter channel on a fresh database (the engine does; module tests do not). */
  starter: boolean;
}


export class SignalsModule implements EngineModule {
  readonly name = 'signals';
  readonly channels: ChannelsRepo;
  readonly signals: SignalsRepo;
  readonly deliveries: DeliveriesRepo;
  readonly outcomes: OutcomesRepo;
  private readonly settings: SettingsRepo;
  private readonly opts: SignalsOptions;
  private readonly planner: Planner;
  private readonly tracker: OutcomeTracker;
  private readonly statuses: SignalStatuses;
  readonly handlers: Partial<Handlers>;
  private lastPrice = new Map<string, { price: number; ts: number }>();
  private readonly dayCounts: DeliveredToday;
  private unsubs: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private timerTicks = 0;
  private paused: boolean;
  private reviewer: Reviewer | null = null;
  private readonly reviewing = new Set<Promise<unknown>>();
  private started = false;
  private rebuilding: Promise<void> = Promise.resolve();
  private featureDemands: Array<() => FeatureDemand[]> = [];
  private featureListeners: Array<(e: FeaturesEvent) => void> = [];
  private channelGuard: ChannelGuard | null = null;
  /** Point-in-time series features (ext_<source>_<series>) added to each closed bar. */
  private readonly ext: ExtFeatures;
  /** Counters: strategy evaluations (one per evaluator per bar) and signals by outcome of the gates. */
  readonly stats = { evaluations: 0, decisions: 0, delivered: 0, rejected: 0, duplicates: 0, pooledWarmUps: 0 };

  constructor(
    private readonly ctx: EngineContext,
    private readonly delivery: SignalDelivery,
    private readonly market: MarketReader,
    opts: Partial<SignalsOptions> = {},
  ) {
    this.ext = new ExtFeatures(ctx.db);
    this.channels = new ChannelsRepo(ctx.db);
    this.signals = new SignalsRepo(ctx.db);
    this.deliveries = new DeliveriesRepo(ctx.db);
    this.outcomes = new OutcomesRepo(ctx.db);
    this.settings = new SettingsRepo(ctx.db);
    this.tracker = new OutcomeTracker(this, ctx.bus);
    this.dayCounts = new DeliveredToday(this.signals);
    this.statuses = new SignalStatuses(ctx, this.signals, this.channels, () => this.opts.wallNow());
    this.opts = { timerMs: 1000, wallNow: Date.now, usePool: false, poolMinBars: 500, starter: false, ...opts };
    this.planner = new Planner(ctx, market, this.opts, this.stats, (s, c, received) => this.onBar(s, c, received));
    this.paused = this.settings.get<boolean>(PAUSE_KEY) ?? false;
    this.handlers = signalsHandlers(this, {
      planner: this.planner,
      market,
      statuses: this.statuses,
      now: () => this.opts.wallNow(),
      afterChannelChange: () => this.afterChannelChange(),
      setPaused: (paused) => {
        this.paused = paused;
        this.settings.set(PAUSE_KEY, paused);
        this.publishStatus();
      },
    });
  }

  // ───────────────────────────── lifecycle ─────────────────────────────

  start(): void {
    this.started = true;
    this.unsubs.push(this.ctx.bus.subscribe('candle.closed', (e) => this.onClosed(e)));
    this.unsubs.push(this.ctx.bus.subscribe('candle.updated', (e) => this.notePrice(e)));
    this.unsubs.push(
      this.ctx.bus.subscribe('order.intent', (i) => {
        if (i.signalId !== null && i.decision === 'EXECUTED') this.statuses.set(i.signalId, 'executed', ['delivered', 'acknowledged', 'snoozed']);
      }),
    );
    this.tracker.load();
    if (this.opts.starter) {
      void ensureStarterChannel(this.channels, this.settings, this.market, () => this.opts.wallNow())
        .catch((e: unknown) => console.error('[signals] starter channel:', e))
        .then(() => this.rebuild());
    } else void this.rebuild();
    this.timer = setInterval(() => this.onTimer(), this.opts.timerMs);
    this.timer.unref?.();
  }

  stop(): void {
    this.started = false;
    for (const u of this.unsubs.splice(0)) u();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves once the running rebuild (channel subscriptions + warm-up) is done. */
  ready(): Promise<void> {
    return this.rebuilding;
  }

  // ───────────────────────────── subscriptions ─────────────────────────────

  /** Another reader of the feature engines (alerts): its demands join the series' specs on each rebuild. */
  addFeatureReader(demand: () => FeatureDemand[], listener: (e: FeaturesEvent) => void): void {
    this.featureDemands.push(demand);
    this.featureListeners.push(listener);
  }

  /** Recomputes which series and evaluators the enabled channels need; warms up new series. */
  rebuild(): Promise<void> {
    const run = this.rebuilding.then(async () => {
      const demands = this.featureDemands.flatMap((f) => f());
      this.ext.setDemands(demands);
      await this.planner.plan(this.channels.list(), demands);
      this.publishStatus();
    }).catch((e: unknown) => console.error('[signals] rebuild failed:', e));
    this.rebuilding = run;
    return run;
  }

  // ───────────────────────────── the pipeline ─────────────────────────────

  /** The live price: the forming bar's close, or a newer closed bar's close. */
  private notePrice(e: CandleEvent): void {
    const k = `${e.source}|${e.symbol}`;
    const cur = this.lastPrice.get(k);
    if (!cur || e.candle[0] >= cur.ts) this.lastPrice.set(k, { price: e.candle[4], ts: e.candle[0] });
  }

  /** candle.closed: follow open signals, then evaluate each strategy once and fan out. */
  onClosed(e: CandleEvent): void {
    const received = performance.now();
    this.notePrice(e);
    const k = seriesKey(e.source, e.symbol, e.timeframe);
    this.tracker.follow(k, e.candle);
    const s = this.planner.series.get(k);
    if (!s) return;
    if (s.warming) {
      s.queue.push(e.candle);
      return;
    }
    this.onBar(s, e.candle, received);
  }

  private onBar(s: Series, c: Ohlcv, received: number): void {
    const raw = this.planner.apply(s, c);
    if (!raw) return;
    const features = this.ext.apply(s, c, raw);
    const bar = s.history[s.history.length - 1]!;
    for (const l of this.featureListeners) {
      try {
        l({ source: s.source, symbol: s.symbol, timeframe: s.timeframe, ts: c[0], features, prev: s.prev });
      } catch (err) {
        console.error(`[signals] feature reader on ${s.key} failed:`, err);
      }
    }
    for (const ev of s.evaluators) {
      this.stats.evaluations++;
      let d: StrategyDecision | null;
      try {
        d = ev.def.evaluate(
          { symbol: s.symbol, timeframe: s.timeframe, bar, features, prev: s.prev, history: s.history.length > ev.lookback ? s.history.slice(-ev.lookback) : s.history },
          ev.params,
        );
      } catch (err) {
        console.error(`[signals] ${ev.strategy} on ${s.key} failed:`, err);
        continue;
      }
      if (!d || !usableDecision(d)) continue;
      this.stats.decisions++;
      for (const ch of ev.channels) this.emit(s, ev, ch, c[0], d, received, features);
    }
  }

  /** Gates, asks the AI second opinion where the channel wants one, persists, then delivers one channel's copy of a decision. */
  private emit(s: Series, ev: Evaluator, ch: Channel, barTime: number, d: StrategyDecision, received: number, features: Features): void {
    const gate = checkGates({
      channel: ch,
      timeframe: s.timeframe,
      barTime,
      decision: d,
      ...this.gateClock(s.source, s.symbol, s.timeframe),
      paused: this.paused,
      barsSeen: s.fe.bars,
      warmupNeeded: ev.warmup,
      lastPrice: this.lastPrice.get(`${s.source}|${s.symbol}`)?.price,
      lastDeliveredBar: () => this.signals.lastDeliveredBar(ch.id, s.symbol, s.timeframe),
      deliveredToday: () => this.dayCounts.get(ch.id, barTime),
    });
    const reviewer = this.reviewer;
    if (!gate && reviewer && ch.aiReview && ch.aiReview !== 'off') {
      // Nothing is stored or told before the opinions are in: the signal is stored with them.
      const lastPrice = this.lastPrice.get(`${s.source}|${s.symbol}`)?.price;
      const p = reviewSignal(reviewer, ch, { symbol: s.symbol, timeframe: s.timeframe, strategy: ev.strategy, decision: d, features, lastPrice })
        .then((r) => this.store(s, ev, ch, barTime, d, received, r.gate, r.review))
        .catch((e: unknown) => console.error(`[signals] AI review on ${s.key} failed:`, e));
      this.reviewing.add(p);
      void p.finally(() => this.reviewing.delete(p));
      return;
    }
    this.store(s, ev, ch, barTime, d, received, gate, null);
  }

  private store(s: Series, ev: Evaluator, ch: Channel, barTime: number, d: StrategyDecision, received: number, gate: { reason: string; detail: string } | null, aiReview: SignalAiReview | null): void {
    const sig = this.storeExternal(ch, {
      source: s.source,
      symbol: s.symbol,
      timeframe: s.timeframe,
      strategy: ev.strategy,
      strategyKey: ev.key,
      barTime,
      side: d.side,
      entry: d.entry,
      stopLoss: d.stopLoss,
      takeProfit: d.takeProfit,
      confidence: d.confidence,
      reasons: d.reasons,
      status: gate ? 'rejected' : 'delivered',
      rejectReason: gate?.reason ?? null,
      rejectDetail: gate?.detail ?? null,
      aiReview,
    });
    if (!sig) {
      this.stats.duplicates++;
      return;
    }
    if (gate) this.stats.rejected++;
    else {
      this.stats.delivered++;
      this.dayCounts.bump(ch.id, barTime);
    }
    this.announceExternal(sig, ch, received);
  }

  /**
   * Persists and publishes a signal decided outside the strategy pipeline (inbound signals, issue
   * 16) exactly like a strategy's: stored first, then delivered, tracked and `signal.created`
   * (or `signal.updated` when rejected). Returns null for a duplicate of the dedup key.
   */
  publishExternal(ch: Channel, s: Omit<NewSignal, 'channelId' | 'autopilot' | 'createdAt'>): Signal | null {
    const received = performance.now();
    const sig = this.storeExternal(ch, s);
    if (sig) this.announceExternal(sig, ch, received);
    return sig;
  }

  /** The storing half of publishExternal (callers batching writes announce after their commit). */
  storeExternal(ch: Channel, s: Omit<NewSignal, 'channelId' | 'autopilot' | 'createdAt'>): Signal | null {
    const id = this.signals.insert({ ...s, channelId: ch.id, autopilot: ch.autopilot, createdAt: this.opts.wallNow() });
    return id === null ? null : this.signals.get(id, new Map([[ch.id, ch.name]]))!;
  }

  /** Announces several stored signals with their deliveries in one transaction (an inbound burst). */
  announceMany(f: () => void): void {
    if (this.delivery.batch) this.delivery.batch(f);
    else f();
  }

  /** The telling half: a rejected signal is only announced as updated; others are delivered and tracked. */
  announceExternal(sig: Signal, ch: Channel, received: number): void {
    if (sig.status === 'rejected') return void this.ctx.bus.publish('signal.updated', sig);
    this.delivery.deliverSignal(sig, ch, received);
    this.tracker.track(sig, ch.expiryBars);
    this.ctx.bus.publish('signal.created', sig);
  }

  /**
   * The clock the time gates read for a bar's source: engine time with one sim tick of engine
   * time as slack for the simulated market (its bars reach the engine at the end of the tick they
   * closed in); for a replay, its playback position (the close of the newest bar it played, so a
   * replayed file of any age is judged as if live); wall time for exchanges, which keep real time
   * whatever the sim speed.
   */
  gateClock(source: string, symbol?: string, timeframe?: Timeframe): { now: number; slackMs: number } {
    const kind = source === SIM_SOURCE_ID ? 'sim' : this.market.kind?.(source);
    if (kind === 'sim') {
      const tick = this.ctx.opts.tickMs * this.ctx.opts.simSpeed;
      return { now: this.ctx.clock(), slackMs: Number.isFinite(tick) && tick > 0 ? tick : 0 };
    }
    const played = symbol !== undefined ? this.lastPrice.get(`${source}|${symbol}`) : undefined;
    if (kind === 'replay' && played && timeframe) return { now: played.ts + TIMEFRAME_MS[timeframe], slackMs: 0 };
    return { now: this.opts.wallNow(), slackMs: 0 };
  }

  // ───────────────────────────── commands ─────────────────────────────

  private onTimer(): void {
    try {
      for (const id of this.signals.dueSnoozed(this.opts.wallNow())) {
        const sig = this.statuses.set(id, 'delivered', ['snoozed']);
        const ch = sig && this.channels.get(sig.channelId);
        if (sig && ch) this.delivery.deliverSignal(sig, ch, performance.now(), true);
      }
      if (++this.timerTicks % 60 === 0 && this.channels.list().some((c) => c.enabled && 'discovered' in c.symbols)) void this.rebuild();
    } catch (e) {
      console.error('[signals] timer failed:', e);
    }
  }

  /** The AI second opinion for channels with aiReview (set by the engine composition: the intake's review). */
  setReviewer(r: Reviewer | null): void {
    this.reviewer = r;
  }

  /** Resolves once every AI review under way has ended and its signal is stored (tests). */
  async reviewed(): Promise<void> {
    while (this.reviewing.size) await Promise.allSettled([...this.reviewing]);
  }

  isPaused(): boolean {
    return this.paused;
  }

  status(): SignalsStatus {
    const channels = this.channels.list();
    let evaluators = 0;
    for (const s of this.planner.series.values()) evaluators += s.evaluators.length;
    const tracking = this.tracker.count();
    return { paused: this.paused, channels: channels.length, enabledChannels: channels.filter((c) => c.enabled).length, featureEngines: this.planner.series.size, evaluators, tracking, pooledWarmUps: this.stats.pooledWarmUps };
  }

  private publishStatus(): void {
    if (this.started) this.ctx.bus.publish('signals.status', this.status());
  }

  private afterChannelChange(): void {
    if (this.started) void this.rebuild();
  }

  /** Checks run before a channel is stored (the live-autopilot promotion rule, engine/signals/strategies-module.ts). */
  setChannelGuard(guard: ChannelGuard): void {
    this.channelGuard = guard;
  }

  /** Validates, guards and stores a channel (`before` null: a new one), then re-plans the pipeline. */
  async saveChannel(before: Channel | null, data: ChannelData, confirm?: string): Promise<Channel> {
    const d = await validateChannel(this.market, data);
    this.channelGuard?.(before, d, confirm);
    const c = before ? this.channels.update(before.id, d, this.opts.wallNow()) : this.channels.insert(d, this.opts.wallNow());
    this.afterChannelChange();
    return c;
  }

  performance(q: ParsedInput<'signals.performance'>): PerformanceResult {
    return performanceOf(this.outcomes, this.channels.names(), this.tracker.count(q), q);
  }
}
