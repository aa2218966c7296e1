/**
 * The signals module (issue 4): channels → per-bar strategy evaluation → quality gates →
 * persisted signal → desktop delivery → tracked outcome.
 *
 * On `candle.closed` each (source, symbol, timeframe) that some channel wants has ONE feature
 * engine with the union of the indicators its channels need; each (symbol, timeframe,
 * strategy+params) is evaluated ONCE per bar and its decision fanned out to every channel that
 * wants it. Each channel's copy passes the quality gates (engine/signals/gates.ts), is persisted
 * (dedup key: channel, symbol, timeframe, bar time, side) and only then delivered: a desktop
 * notification through NotifyModule, a row in signal_deliveries with its latency, and
 * `signal.created` (the order engine's autopilot listens to it). Rejected signals are stored
 * with their reason and published as `signal.updated`.
 */
import { performance } from 'node:perf_hooks';
import { ApiError } from '../api/errors';
import { ChannelInputSchema, type Channel, type ChannelGates, type PerformanceResult, type PerformanceRow, type Signal, type SignalsStatus, type StrategyInfo } from '../api/commands/signals';
import type { ParsedInput } from '../api/contract';
import type { CandleEvent, SourceKind } from '../api/commands/market';
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';
import { ChannelsRepo, DeliveriesRepo, OutcomesRepo, SignalsRepo, type ChannelData } from '../../db/repos/signals';
import { SettingsRepo } from '../../db/repos/settings';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { NotifyModule } from '../notify/module';
import { createFeatureEngine, formatSpec, getProfile, PROFILE_NAMES, profileSpecs, uniqueSpecs, warmUpEngine, warmupBars } from '../indicators';
import type { Bar, FeatureEngine, Features, IndicatorSpec } from '../indicators/types';
import { getStrategy, parseParams, STRATEGIES, STRATEGY_IDS, strategyKey } from '../strategies/registry';
import { px } from '../strategies/common';
import type { StrategyDecision, StrategyDef } from '../strategies/types';
import { checkGates, utcDayStart } from './gates';
import { step, type Tracked } from './outcomes';

const PAUSE_KEY = 'signals.paused';
/** The simulated market's source id (SIM_SOURCE_ID in engine/market/module.ts, not imported: that pulls in ccxt). */
const SIM_SOURCE_ID = 'sim';
const STARTER_KEY = 'signals.starterChannel';
/**
 * The channel a fresh install starts with (journey "First start, no network, no keys"): the
 * simulated market's three busiest symbols on 1m, so signals, popups and the order ticket can be
 * tried at once. Created once; deleting or editing it is respected.
 */
export const STARTER_CHANNEL = {
  name: 'Starter (simulated market)',
  strategies: [
    { id: 'ema_cross', params: {} },
    { id: 'breakout', params: {} },
  ],
  symbols: { source: 'sim', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] },
  timeframe: '1m',
  minConfidence: 0.4,
  cooldownMinutes: 15,
  maxPerDay: 60,
} as const;
const DEFAULT_GATES: ChannelGates = { staleBars: 3, maxAgeSeconds: 120, maxDriftPct: 1 };
/** History kept per series beyond what strategies ask for, and the cap on warm-up bars. */
const MAX_WARMUP = 2000;
/**
 * A strategy's decisions are trusted after WARMUP_FACTOR × the bars its slowest indicator needs
 * for a first value (EMA/RSI/ATR carry their seed for a while); before that a signal is
 * rejected NOT_WARMED_UP.
 */
export const WARMUP_FACTOR = 2;

/** Where the module reads market data: the market module's public handlers. */
export interface MarketReader {
  symbols(source: string): string[] | Promise<string[]>;
  candles(source: string, symbol: string, timeframe: Timeframe, limit: number): Ohlcv[] | Promise<Ohlcv[]>;
  /** The kind of a source (which clock its bars follow); absent: only 'sim' is known, others keep wall time. */
  kind?(source: string): SourceKind | undefined;
}

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

interface Evaluator {
  key: string;
  strategy: string;
  def: StrategyDef;
  params: Record<string, unknown>;
  warmup: number;
  lookback: number;
  channels: Channel[];
}

interface Series {
  key: string;
  source: string;
  symbol: string;
  timeframe: Timeframe;
  specsKey: string;
  specs: IndicatorSpec[];
  fe: FeatureEngine;
  history: Bar[];
  maxHistory: number;
  prev: Features | null;
  lastTs: number;
  warming: boolean;
  queue: Ohlcv[];
  evaluators: Evaluator[];
}

const seriesKey = (source: string, symbol: string, tf: string): string => `${source}|${symbol}|${tf}`;

/** Indicators another module (alerts) wants on a series: added to the one feature engine of that series. */
export interface FeatureDemand {
  source: string;
  symbol: string;
  timeframe: Timeframe;
  specs: IndicatorSpec[];
}
/** A series' features after a live closed bar, for other readers of the same feature engine. */
export interface FeaturesEvent {
  source: string;
  symbol: string;
  timeframe: Timeframe;
  ts: number;
  features: Features;
  prev: Features | null;
}
const toBar = (c: Ohlcv): Bar => ({ ts: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] });

export class SignalsModule implements EngineModule {
  readonly name = 'signals';
  readonly channels: ChannelsRepo;
  readonly signals: SignalsRepo;
  readonly deliveries: DeliveriesRepo;
  readonly outcomes: OutcomesRepo;
  private readonly settings: SettingsRepo;
  private readonly opts: SignalsOptions;
  private series = new Map<string, Series>();
  private tracked = new Map<string, Tracked[]>();
  private lastPrice = new Map<string, { price: number; ts: number }>();
  private dayCounts = new Map<string, number>();
  private unsubs: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private timerTicks = 0;
  private paused: boolean;
  private started = false;
  private rebuilding: Promise<void> = Promise.resolve();
  private featureDemands: Array<() => FeatureDemand[]> = [];
  private featureListeners: Array<(e: FeaturesEvent) => void> = [];
  /** Counters: strategy evaluations (one per evaluator per bar) and signals by outcome of the gates. */
  readonly stats = { evaluations: 0, decisions: 0, delivered: 0, rejected: 0, duplicates: 0, pooledWarmUps: 0 };

  constructor(
    private readonly ctx: EngineContext,
    private readonly notify: NotifyModule,
    private readonly market: MarketReader,
    opts: Partial<SignalsOptions> = {},
  ) {
    this.channels = new ChannelsRepo(ctx.db);
    this.signals = new SignalsRepo(ctx.db);
    this.deliveries = new DeliveriesRepo(ctx.db);
    this.outcomes = new OutcomesRepo(ctx.db);
    this.settings = new SettingsRepo(ctx.db);
    this.opts = { timerMs: 1000, wallNow: Date.now, usePool: false, poolMinBars: 500, starter: false, ...opts };
    this.paused = this.settings.get<boolean>(PAUSE_KEY) ?? false;
  }

  // ───────────────────────────── lifecycle ─────────────────────────────

  private async ensureStarterChannel(): Promise<void> {
    if (!this.opts.starter || this.settings.get<boolean>(STARTER_KEY) !== undefined) return;
    this.settings.set(STARTER_KEY, true);
    if (this.channels.list().length > 0) return;
    // The starter's symbols the sim offers (a sim started with --sim-symbols N may lack some); else its first three.
    const offered = await this.market.symbols(STARTER_CHANNEL.symbols.source);
    const wanted: string[] = STARTER_CHANNEL.symbols.symbols.filter((x) => offered.includes(x));
    const symbols = wanted.length ? wanted : offered.slice(0, 3);
    if (!symbols.length) return;
    const d = await this.validateChannel(ChannelInputSchema.parse({ ...STARTER_CHANNEL, symbols: { source: STARTER_CHANNEL.symbols.source, symbols } }));
    this.channels.insert(d, this.opts.wallNow());
  }

  start(): void {
    this.started = true;
    this.unsubs.push(this.ctx.bus.subscribe('candle.closed', (e) => this.onClosed(e)));
    this.unsubs.push(this.ctx.bus.subscribe('candle.updated', (e) => this.onUpdated(e)));
    this.unsubs.push(
      this.ctx.bus.subscribe('order.intent', (i) => {
        if (i.signalId !== null && i.decision === 'EXECUTED') this.setStatus(i.signalId, 'executed', ['delivered', 'acknowledged', 'snoozed']);
      }),
    );
    this.loadTracked();
    if (this.opts.starter) {
      void this.ensureStarterChannel()
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
    const run = this.rebuilding.then(() => this.doRebuild()).catch((e: unknown) => console.error('[signals] rebuild failed:', e));
    this.rebuilding = run;
    return run;
  }

  private async doRebuild(): Promise<void> {
    interface Want {
      source: string;
      symbol: string;
      timeframe: Timeframe;
      specs: IndicatorSpec[];
      evaluators: Map<string, Evaluator>;
    }
    const want = new Map<string, Want>();
    for (const ch of this.channels.list()) {
      if (!ch.enabled) continue;
      let symbols: string[];
      try {
        symbols = await this.resolveSymbols(ch);
      } catch (e) {
        console.error(`[signals] channel ${ch.id}: cannot resolve symbols:`, e);
        continue;
      }
      const extra = ch.profile && getProfile(ch.profile) ? profileSpecs(ch.profile) : [];
      for (const s of ch.strategies) {
        let def: StrategyDef;
        let params: Record<string, unknown>;
        try {
          def = getStrategy(s.id);
          params = parseParams(s.id, s.params);
        } catch (e) {
          console.error(`[signals] channel ${ch.id}: strategy ${s.id}:`, e);
          continue;
        }
        const ekey = strategyKey(s.id, params);
        const specs = uniqueSpecs(def.indicators(params));
        const warmup = Math.max(def.lookback(params), WARMUP_FACTOR * Math.max(1, ...specs.map(warmupBars)));
        for (const symbol of symbols) {
          const k = seriesKey(ch.symbols.source, symbol, ch.timeframe);
          let w = want.get(k);
          if (!w) want.set(k, (w = { source: ch.symbols.source, symbol, timeframe: ch.timeframe, specs: [], evaluators: new Map() }));
          w.specs.push(...specs, ...extra);
          let ev = w.evaluators.get(ekey);
          if (!ev) w.evaluators.set(ekey, (ev = { key: ekey, strategy: s.id, def, params, warmup, lookback: def.lookback(params), channels: [] }));
          if (!ev.channels.some((c) => c.id === ch.id)) ev.channels.push(ch);
        }
      }
    }
    for (const d of this.featureDemands.flatMap((f) => f())) {
      const k = seriesKey(d.source, d.symbol, d.timeframe);
      if (!want.has(k)) want.set(k, { source: d.source, symbol: d.symbol, timeframe: d.timeframe, specs: [], evaluators: new Map() });
      want.get(k)!.specs.push(...d.specs);
    }
    const next = new Map<string, Series>();
    const toWarm: Series[] = [];
    for (const [k, w] of want) {
      const specs = uniqueSpecs(w.specs);
      const specsKey = specs.map(formatSpec).sort().join(',');
      const evaluators = [...w.evaluators.values()];
      const maxHistory = Math.max(2, ...evaluators.map((e) => e.lookback));
      const old = this.series.get(k);
      if (old && old.specsKey === specsKey && !old.warming) {
        old.evaluators = evaluators;
        old.maxHistory = Math.max(old.maxHistory, maxHistory);
        next.set(k, old);
        continue;
      }
      const s: Series = {
        key: k,
        source: w.source,
        symbol: w.symbol,
        timeframe: w.timeframe,
        specsKey,
        specs,
        fe: createFeatureEngine(specs),
        history: [],
        maxHistory,
        prev: null,
        lastTs: -Infinity,
        warming: true,
        queue: [],
        evaluators,
      };
      next.set(k, s);
      toWarm.push(s);
    }
    this.series = next;
    await Promise.all(toWarm.map((s) => this.warmUp(s)));
    this.publishStatus();
  }

  private async resolveSymbols(ch: Channel): Promise<string[]> {
    if ('symbols' in ch.symbols) return ch.symbols.symbols;
    return await this.market.symbols(ch.symbols.source);
  }

  /**
   * Feeds stored closed bars through the new series' feature engine (O(1) per bar), so a
   * channel starts warm. Bars arriving meanwhile are queued and applied after.
   */
  private async warmUp(s: Series): Promise<void> {
    const need = Math.min(MAX_WARMUP, Math.max(300, 3 * Math.max(1, ...s.specs.map(warmupBars)), ...s.evaluators.map((e) => e.warmup * 3 + e.lookback)));
    try {
      const tf = TIMEFRAME_MS[s.timeframe];
      const now = this.ctx.clock();
      const rows = (await this.market.candles(s.source, s.symbol, s.timeframe, need + 1)).filter((c) => c[0] + tf <= now);
      let pooled = false;
      if (this.opts.usePool && rows.length >= this.opts.poolMinBars) {
        try {
          s.fe = await warmUpEngine(s.specs, rows);
          s.lastTs = rows[rows.length - 1]![0];
          s.history = rows.slice(-s.maxHistory).map(toBar);
          s.prev = null;
          pooled = true;
          this.stats.pooledWarmUps++;
        } catch (e) {
          console.error(`[signals] pool warm-up of ${s.key} failed, warming up in process:`, e);
          s.fe = createFeatureEngine(s.specs);
        }
      }
      if (!pooled) for (const c of rows) this.apply(s, c);
    } catch (e) {
      console.error(`[signals] warm-up of ${s.key} failed (it will warm up live):`, e);
    }
    s.warming = false;
    for (const c of s.queue.splice(0)) this.onBar(s, c, performance.now());
  }

  /** Applies one closed bar to a series; returns the features, or null for an old/duplicate bar. */
  private apply(s: Series, c: Ohlcv): Features | null {
    if (c[0] <= s.lastTs) return null;
    s.prev = s.fe.bars > 0 ? s.fe.current() : null;
    const bar = toBar(c);
    const f = s.fe.update(bar);
    s.lastTs = c[0];
    s.history.push(bar);
    if (s.history.length > s.maxHistory) s.history.splice(0, s.history.length - s.maxHistory);
    return f;
  }

  // ───────────────────────────── the pipeline ─────────────────────────────

  /** The live price: the forming bar's close, or a newer closed bar's close. */
  private notePrice(e: CandleEvent): void {
    const k = `${e.source}|${e.symbol}`;
    const cur = this.lastPrice.get(k);
    if (!cur || e.candle[0] >= cur.ts) this.lastPrice.set(k, { price: e.candle[4], ts: e.candle[0] });
  }

  private onUpdated(e: CandleEvent): void {
    this.notePrice(e);
  }

  /** candle.closed: follow open signals, then evaluate each strategy once and fan out. */
  onClosed(e: CandleEvent): void {
    const received = performance.now();
    this.notePrice(e);
    const k = seriesKey(e.source, e.symbol, e.timeframe);
    this.followOutcomes(k, e.candle);
    const s = this.series.get(k);
    if (!s) return;
    if (s.warming) {
      s.queue.push(e.candle);
      return;
    }
    this.onBar(s, e.candle, received);
  }

  private onBar(s: Series, c: Ohlcv, received: number): void {
    const features = this.apply(s, c);
    if (!features) return;
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
      if (!d || !validDecision(d)) continue;
      this.stats.decisions++;
      for (const ch of ev.channels) this.emit(s, ev, ch, c[0], d, received);
    }
  }

  /** Gates, persists, then delivers one channel's copy of a decision. */
  private emit(s: Series, ev: Evaluator, ch: Channel, barTime: number, d: StrategyDecision, received: number): void {
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
      deliveredToday: () => this.deliveredToday(ch.id, barTime),
    });
    const id = this.signals.insert({
      channelId: ch.id,
      autopilot: ch.autopilot,
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
      createdAt: this.opts.wallNow(),
    });
    if (id === null) {
      this.stats.duplicates++;
      return;
    }
    const names = new Map([[ch.id, ch.name]]);
    const sig = this.signals.get(id, names)!;
    if (gate) {
      this.stats.rejected++;
      this.ctx.bus.publish('signal.updated', sig);
      return;
    }
    this.stats.delivered++;
    const dk = `${ch.id}|${utcDayStart(barTime)}`;
    const n = this.dayCounts.get(dk);
    if (n !== undefined) this.dayCounts.set(dk, n + 1);
    this.deliver(sig, ch, received);
    this.track(sig, ch.expiryBars);
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

  /** Non-rejected signals of a channel on the bar's UTC day: counted once from the DB, then kept. */
  private deliveredToday(channelId: number, barTime: number): number {
    const day = utcDayStart(barTime);
    const k = `${channelId}|${day}`;
    let n = this.dayCounts.get(k);
    if (n === undefined) {
      if (this.dayCounts.size > 10_000) this.dayCounts.clear();
      n = this.signals.deliveredSince(channelId, day, day + 86_400_000);
      this.dayCounts.set(k, n);
    }
    return n;
  }

  private deliver(sig: Signal, ch: Channel, received: number, reminder = false): void {
    for (const target of ch.delivery) {
      if (target !== 'desktop') continue;
      try {
        const n = this.notify.notify({
          kind: 'signal',
          severity: 'info',
          // "BUY ETH/USDT 3,247.50 — stop 3,212.00, target 3,350.00, confidence 78 % — broke the 20-bar high on 1.8× volume"
          title: `${reminder ? 'Reminder: ' : ''}${sig.side.toUpperCase()} ${sig.symbol} ${px(sig.entry)}`,
          body: `stop ${px(sig.stopLoss)}, target ${px(sig.takeProfit)}, confidence ${Math.round(sig.confidence * 100)} %${sig.reasons[0] ? ` — ${sig.reasons[0]}` : ''}\n${sig.strategy} · ${sig.timeframe} · ${ch.name}`,
          refType: 'signal',
          refId: String(sig.id),
          actions: [
            { id: 'ack', label: 'Acknowledge', command: 'signals.ack', input: { id: sig.id } },
            { id: 'snooze', label: 'Snooze 15 min', command: 'signals.snooze', input: { id: sig.id, minutes: 15 } },
            { id: 'execute', label: 'Execute', command: 'signals.execute', input: { id: sig.id } },
          ],
        });
        this.deliveries.insert({ signalId: sig.id, target, notificationId: n.id, deliveredAt: this.opts.wallNow(), latencyMs: performance.now() - received, ok: true });
      } catch (err) {
        this.deliveries.insert({ signalId: sig.id, target, notificationId: null, deliveredAt: this.opts.wallNow(), latencyMs: performance.now() - received, ok: false, error: String(err) });
      }
    }
  }

  // ───────────────────────────── outcomes ─────────────────────────────

  private track(sig: Signal, expiryBars: number): void {
    const k = seriesKey(sig.source, sig.symbol, sig.timeframe);
    let list = this.tracked.get(k);
    if (!list) this.tracked.set(k, (list = []));
    list.push({
      id: sig.id,
      channelId: sig.channelId,
      strategy: sig.strategy,
      side: sig.side,
      entry: sig.entry,
      stopLoss: sig.stopLoss,
      takeProfit: sig.takeProfit,
      barTime: sig.barTime,
      timeframe: sig.timeframe,
      expiryBars,
      bars: 0,
    });
  }

  private loadTracked(): void {
    this.tracked.clear();
    const expiry = new Map(this.channels.list().map((c) => [c.id, c.expiryBars]));
    for (const s of this.signals.open()) this.track(s, expiry.get(s.channelId) ?? 50);
  }

  private followOutcomes(k: string, c: Ohlcv): void {
    const list = this.tracked.get(k);
    if (!list?.length) return;
    const keep: Tracked[] = [];
    for (const t of list) {
      const o = step(t, c);
      if (!o) {
        keep.push(t);
        continue;
      }
      this.outcomes.insert(t.id, t.channelId, t.strategy, o);
      const sig = this.signals.get(t.id, this.channels.names());
      if (sig) this.ctx.bus.publish('signal.updated', sig);
    }
    if (keep.length) this.tracked.set(k, keep);
    else this.tracked.delete(k);
  }

  // ───────────────────────────── commands ─────────────────────────────

  private async validateChannel(d: ChannelData): Promise<ChannelData> {
    const strategies = d.strategies.map((s) => ({ id: s.id, params: parseParams(s.id, s.params) }));
    if (d.profile !== null && !getProfile(d.profile)) {
      throw new ApiError('BAD_INPUT', `Unknown feature profile: ${d.profile} (known: ${PROFILE_NAMES.join(', ')})`, { profile: d.profile });
    }
    let offered: string[];
    try {
      offered = await this.market.symbols(d.symbols.source);
    } catch (e) {
      if (e instanceof ApiError) throw new ApiError('BAD_INPUT', `Unknown source: ${d.symbols.source}`, { source: d.symbols.source });
      throw e;
    }
    if ('symbols' in d.symbols) {
      const set = new Set(offered);
      const unknown = d.symbols.symbols.filter((x) => !set.has(x));
      if (unknown.length) throw new ApiError('BAD_INPUT', `Symbols not offered by ${d.symbols.source}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ' …' : ''}`, { unknown });
      d = { ...d, symbols: { source: d.symbols.source, symbols: [...new Set(d.symbols.symbols)] } };
    }
    return { ...d, strategies };
  }

  private requireChannel(id: number): Channel {
    const c = this.channels.get(id);
    if (!c) throw new ApiError('NOT_FOUND', `Signal channel ${id} does not exist`, { id });
    return c;
  }

  private requireSignal(id: number): Signal {
    const s = this.signals.get(id, this.channels.names());
    if (!s) throw new ApiError('NOT_FOUND', `Signal ${id} does not exist`, { id });
    return s;
  }

  private setStatus(id: number, status: Signal['status'], from: Array<Signal['status']>, snoozedUntil: number | null = null): Signal | undefined {
    const s = this.signals.get(id);
    if (!s || !from.includes(s.status)) return undefined;
    this.signals.setStatus(id, status, this.opts.wallNow(), snoozedUntil);
    const out = this.signals.get(id, this.channels.names())!;
    this.ctx.bus.publish('signal.updated', out);
    return out;
  }

  private changeStatus(id: number, status: 'acknowledged' | 'snoozed', snoozedUntil: number | null = null): Signal {
    const s = this.requireSignal(id);
    if (s.status === 'rejected') throw new ApiError('CONFLICT', `Signal ${id} was rejected (${s.rejectReason}); there is nothing to ${status === 'snoozed' ? 'snooze' : 'acknowledge'}`, { id, status: s.status });
    if (status === 'snoozed' && s.status === 'executed') throw new ApiError('CONFLICT', `Signal ${id} was already executed`, { id });
    return this.setStatus(id, status, ['delivered', 'acknowledged', 'snoozed', 'executed'], snoozedUntil) ?? s;
  }

  /** All or nothing: every id is checked before any changes. */
  private changeMany(ids: number[], status: 'acknowledged' | 'snoozed', snoozedUntil: number | null = null): Signal[] {
    for (const id of ids) {
      const s = this.requireSignal(id);
      if (s.status === 'rejected') throw new ApiError('CONFLICT', `Signal ${id} was rejected (${s.rejectReason}); there is nothing to ${status === 'snoozed' ? 'snooze' : 'acknowledge'}`, { id, status: s.status });
      if (status === 'snoozed' && s.status === 'executed') throw new ApiError('CONFLICT', `Signal ${id} was already executed`, { id });
    }
    return this.ctx.db.transaction(() => [...new Set(ids)].map((id) => this.changeStatus(id, status, snoozedUntil)))();
  }

  private onTimer(): void {
    try {
      for (const id of this.signals.dueSnoozed(this.opts.wallNow())) {
        const sig = this.setStatus(id, 'delivered', ['snoozed']);
        const ch = sig && this.channels.get(sig.channelId);
        if (sig && ch) this.deliver(sig, ch, performance.now(), true);
      }
      if (++this.timerTicks % 60 === 0 && this.channels.list().some((c) => c.enabled && 'discovered' in c.symbols)) void this.rebuild();
    } catch (e) {
      console.error('[signals] timer failed:', e);
    }
  }

  status(): SignalsStatus {
    const channels = this.channels.list();
    let evaluators = 0;
    for (const s of this.series.values()) evaluators += s.evaluators.length;
    let tracking = 0;
    for (const l of this.tracked.values()) tracking += l.length;
    return { paused: this.paused, channels: channels.length, enabledChannels: channels.filter((c) => c.enabled).length, featureEngines: this.series.size, evaluators, tracking, pooledWarmUps: this.stats.pooledWarmUps };
  }

  private publishStatus(): void {
    if (this.started) this.ctx.bus.publish('signals.status', this.status());
  }

  private afterChannelChange(): void {
    if (this.started) void this.rebuild();
  }

  performance(q: ParsedInput<'signals.performance'>): PerformanceResult {
    const names = this.channels.names();
    const label = (rows: Array<Omit<PerformanceRow, 'label'>>, f: (k: string) => string): PerformanceRow[] => rows.map((r) => ({ ...r, label: f(r.key) }));
    const total = this.outcomes.aggregate("'all'", q)[0];
    const empty: Omit<PerformanceRow, 'label'> = { key: 'all', count: 0, wins: 0, losses: 0, expired: 0, winRate: 0, avgProfitPct: 0, profitFactor: null, expectancyPct: 0, avgTimeToOutcomeMs: 0 };
    let open = 0;
    for (const l of this.tracked.values()) for (const t of l) if ((q.channel === undefined || t.channelId === q.channel) && (q.strategy === undefined || t.strategy === q.strategy)) open++;
    return {
      total: { ...(total ?? empty), key: 'all', label: 'All signals' },
      byChannel: label(this.outcomes.aggregate('o.channel_id', q), (k) => names.get(Number(k)) ?? `channel ${k}`),
      byStrategy: label(this.outcomes.aggregate('o.strategy', q), (k) => k),
      open,
    };
  }

  readonly handlers: Partial<Handlers> = {
    'signals.channels.list': () => {
      const counts = new Map<number, Set<string>>();
      for (const s of this.series.values()) for (const ev of s.evaluators) for (const c of ev.channels) (counts.get(c.id) ?? counts.set(c.id, new Set()).get(c.id)!).add(s.symbol);
      return this.channels.list().map((c) => ({ ...c, resolvedSymbols: counts.get(c.id)?.size ?? 0 }));
    },
    'signals.channels.create': async (input) => {
      const d = await this.validateChannel({ ...input, gates: { ...DEFAULT_GATES, ...input.gates } });
      const c = this.channels.insert(d, this.opts.wallNow());
      this.afterChannelChange();
      return c;
    },
    'signals.channels.update': async ({ id, gates, ...patch }) => {
      const cur = this.requireChannel(id);
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<ChannelData>;
      const { id: _id, createdAt: _c, updatedAt: _u, resolvedSymbols: _r, ...base } = cur;
      const d = await this.validateChannel({ ...base, ...defined, gates: { ...cur.gates, ...gates } });
      const c = this.channels.update(id, d, this.opts.wallNow());
      this.afterChannelChange();
      return c;
    },
    'signals.channels.delete': ({ id }) => {
      this.requireChannel(id);
      const deleted = this.channels.delete(id, this.opts.wallNow());
      this.afterChannelChange();
      return { deleted };
    },
    'signals.strategies': (): StrategyInfo[] => STRATEGY_IDS.map((id) => ({ id, summary: STRATEGIES[id].summary, defaults: parseParams(id, {}) })),
    'signals.list': (q) => this.signals.list(q, this.channels.names()),
    'signals.ack': (q) => this.changeMany('id' in q ? [q.id] : q.ids, 'acknowledged'),
    'signals.snooze': (q) => this.changeMany('id' in q ? [q.id] : q.ids, 'snoozed', this.opts.wallNow() + q.minutes * 60_000),
    'signals.pause': ({ paused }) => {
      this.paused = paused;
      this.settings.set(PAUSE_KEY, paused);
      this.publishStatus();
      return this.status();
    },
    'signals.status': () => this.status(),
    'signals.performance': (q) => this.performance(q),
  };
}

function validDecision(d: StrategyDecision): boolean {
  return [d.entry, d.stopLoss, d.takeProfit, d.confidence].every(Number.isFinite) && d.entry > 0;
}
