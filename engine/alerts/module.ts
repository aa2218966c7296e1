/**
 * The alerts module: the trader's rules, evaluated in the engine thread —
 * price rules on the live price (candle.updated / candle.closed), indicator rules on the
 * signals' feature engines (one engine per series, rules add what is missing), performance
 * rules on signal outcomes, risk and health rules on a timer, goal rules on goal.status.
 * A firing is persisted (unique per rule and bar / crossing / episode), published as
 * `alert.fired`, then routed to the rule's targets.
 */
import type { Alert, AlertRule, IndicatorConditionT, PriceConditionT } from '../api/commands/alerts';
import type { Events, EventTopic } from '../api/contract';
import type { CandleEvent } from '../api/commands/market';
import type { GoalStatusEvent } from '../api/commands/goals';
import type { Signal } from '../api/commands/signals';
import { AlertRulesRepo, AlertsRepo, AlertStateRepo, type NewAlert } from '../../db/repos/alerts';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { NotifyModule } from '../notify/module';
import type { FeaturesEvent, FeatureDemand } from '../signals/module';
import { AlertRouter, DesktopSink, type AlertDeliverySink } from './delivery';
import { indicatorCheck, sideOf, throttleAllows } from './evaluate';
import { PriceBook, type PriceHit } from './price-book';
import { featureSpec } from './features';
import { parseExtFeature } from '../market/series/point-in-time';
import type { AlertsPorts } from './ports';
import { AlertCommands } from './commands';
import { evalHealth, evalPerformance, evalRisk, type Firing, type RuleState } from './watchers';
import { describeIndicator, describePrice } from './messages';
import { isSystemHealthRule } from './system-health';

export interface AlertsOptions {
  /** Risk/health evaluation and snooze wake-up period (ms). */
  timerMs: number;
  /** Wall clock: snoozes and delivery windows. */
  wallNow: () => number;
  /** Delivery: at most `burstLimit` messages per target within `windowMs`, the rest as one summary. */
  windowMs: number;
  burstLimit: number;
}

interface IndicatorEntry {
  rule: AlertRule;
  cond: IndicatorConditionT;
}

export class AlertsModule implements EngineModule {
  readonly name = 'alerts';
  readonly rules: AlertRulesRepo;
  readonly alerts: AlertsRepo;
  readonly state: AlertStateRepo;
  readonly router: AlertRouter;
  readonly opts: AlertsOptions;
  private states = new Map<number, RuleState>();
  private prices = new PriceBook();
  private readonly livePrices = new Map<string, number>();
  private indicators = new Map<string, IndicatorEntry[]>();
  private unsubs: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private readonly cmds: AlertCommands;
  /** Counters: evaluations by path and firings. */
  readonly stats = { priceUpdates: 0, barsEvaluated: 0, fired: 0, throttled: 0 };

  constructor(
    private readonly ctx: EngineContext,
    notify: NotifyModule,
    readonly ports: AlertsPorts,
    opts: Partial<AlertsOptions> = {},
  ) {
    this.opts = { timerMs: 1000, wallNow: Date.now, windowMs: 60_000, burstLimit: 5, ...opts };
    this.rules = new AlertRulesRepo(ctx.db);
    this.alerts = new AlertsRepo(ctx.db);
    this.state = new AlertStateRepo(ctx.db);
    this.router = new AlertRouter(new DesktopSink(notify), null, { windowMs: this.opts.windowMs, burstLimit: this.opts.burstLimit, now: () => this.opts.wallNow() });
    this.cmds = new AlertCommands(this);
    ports.features.addFeatureReader(
      () => this.featureDemands(),
      (e) => this.onFeatures(e),
    );
  }

  /** Connects the delivery layer for telegram and webhook targets. */
  setDeliverySink(sink: AlertDeliverySink | null): void {
    this.router.setSink(sink);
  }

  // ───────────────────────────── lifecycle ─────────────────────────────

  start(): void {
    this.states = new Map([...this.state.all()].map(([id, s]) => [id, s as RuleState]));
    this.reload(false);
    if (this.indicators.size) void this.ports.features.rebuild();
    const bus = this.ctx.bus;
    this.unsubs.push(bus.subscribe('candle.updated', (e) => this.onCandle(e)));
    this.unsubs.push(bus.subscribe('candle.closed', (e) => this.onCandle(e)));
    this.unsubs.push(bus.subscribe('goal.status', (e) => this.onGoal(e)));
    this.unsubs.push(bus.subscribe('signal.updated', (s) => this.onSignal(s)));
    this.timer = setInterval(() => void this.tick(), this.opts.timerMs);
    this.timer.unref?.();
  }

  stop(): void {
    for (const u of this.unsubs.splice(0)) u();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.persistDirty();
    this.router.stop();
  }

  /** Rebuilds the in-memory indexes from the enabled rules; `features` also asks the signals to add missing indicators. */
  reload(features = true): void {
    const prices = new PriceBook();
    const indicators = new Map<string, IndicatorEntry[]>();
    for (const rule of this.rules.list()) {
      if (!rule.enabled) continue;
      if (rule.kind === 'price') {
        const cond = rule.condition as PriceConditionT;
        const st = this.stateOf(rule.id);
        // A new rule starts from the side of the live price when it was made: the next crossing fires.
        const live = this.livePrices.get(`${cond.source}|${cond.symbol}`);
        const side = st.side ?? (live !== undefined && cond.op !== 'moves_pct' ? sideOf(live, cond.value) : undefined);
        prices.add({ rule, cond, lastSide: side, since: rule.lastFiredAt ?? -Infinity });
      } else if (rule.kind === 'indicator') {
        const cond = rule.condition as IndicatorConditionT;
        const k = `${cond.source}|${cond.symbol}|${cond.timeframe}`;
        (indicators.get(k) ?? indicators.set(k, []).get(k)!).push({ rule, cond });
      }
    }
    this.persistDirty();
    this.prices = prices;
    this.indicators = indicators;
    if (features) void this.ports.features.rebuild();
  }

  stateOf(ruleId: number): RuleState {
    let s = this.states.get(ruleId);
    if (!s) this.states.set(ruleId, (s = {}));
    return s;
  }

  saveState(ruleId: number, s: RuleState): void {
    this.states.set(ruleId, s);
    this.state.set(ruleId, s as Record<string, unknown>, this.opts.wallNow());
  }

  private persistDirty(): void {
    const dirty = this.prices.takeDirty();
    if (!dirty.length) return;
    this.ctx.db.transaction(() => {
      for (const e of dirty) this.saveState(e.rule.id, { ...this.stateOf(e.rule.id), side: e.lastSide });
    })();
  }

  private featureDemands(): FeatureDemand[] {
    const out: FeatureDemand[] = [];
    for (const list of this.indicators.values()) {
      for (const { cond } of list) {
        const names = [cond.feature, cond.otherFeature].filter((f): f is string => f !== undefined);
        const specs = names.map((f) => featureSpec(f)).filter((s) => s !== null);
        // Point-in-time series features (ext_<source>_<series>): the signals add them on each bar.
        const ext = names.filter((f) => parseExtFeature(f) !== null);
        out.push({ source: cond.source, symbol: cond.symbol, timeframe: cond.timeframe, specs, ...(ext.length ? { ext } : {}) });
      }
    }
    return out;
  }

  // ───────────────────────────── evaluation ─────────────────────────────

  private onCandle(e: CandleEvent): void {
    this.stats.priceUpdates++;
    this.livePrices.set(`${e.source}|${e.symbol}`, e.candle[4]);
    const now = this.ports.clock(e.source, e.symbol);
    const hits = this.prices.update(e.source, e.symbol, e.candle[4], now);
    for (const h of hits) this.firePrice(h, now);
  }

  private firePrice(h: PriceHit, now: number): void {
    const { rule, cond } = h.entry;
    const key = cond.op === 'moves_pct' ? `move:${now}` : `cross:${h.entry.lastSide}:${now}`;
    const ok = this.fire(rule, { message: describePrice(cond, h), values: { price: h.price, level: cond.op === 'moves_pct' ? null : cond.value, from: h.from, changePct: h.changePct }, at: now, key, source: cond.source, symbol: cond.symbol });
    if (ok && cond.op === 'moves_pct') h.entry.since = now;
    if (ok) this.saveState(rule.id, { ...this.stateOf(rule.id), side: h.entry.lastSide });
  }

  private onFeatures(e: FeaturesEvent): void {
    const list = this.indicators.get(`${e.source}|${e.symbol}|${e.timeframe}`);
    if (!list) return;
    this.stats.barsEvaluated++;
    const changed: Array<[number, RuleState]> = [];
    for (const { rule, cond } of list) {
      const st = this.stateOf(rule.id);
      if (st.lastBarTs !== undefined && e.ts <= st.lastBarTs) continue;
      const r = indicatorCheck(cond, e.features, e.prev, st.truth);
      const next: RuleState = { ...st, lastBarTs: e.ts, truth: r.truth };
      this.states.set(rule.id, next);
      changed.push([rule.id, next]);
      if (r.fired) {
        const at = this.ports.clock(cond.source, cond.symbol, cond.timeframe);
        this.fire(rule, { message: describeIndicator(cond, r.a!, r.b!), values: { [cond.feature]: r.a ?? null, [cond.otherFeature ?? 'value']: r.b ?? null, barTs: e.ts }, at, key: `bar:${e.ts}`, source: cond.source, symbol: cond.symbol });
      }
    }
    this.ctx.db.transaction(() => {
      for (const [id, s] of changed) this.state.set(id, s as Record<string, unknown>, this.opts.wallNow());
    })();
  }

  private onGoal(e: GoalStatusEvent): void {
    for (const rule of this.rules.list('goal')) {
      if (!rule.enabled) continue;
      const c = rule.condition as { goal: number; becomes: string[] };
      if (c.goal !== e.goalId || !c.becomes.includes(e.status) || e.from === e.status) continue;
      const words = e.status.replace('_', ' ');
      this.fire(rule, {
        message: `Goal "${e.label}" is now ${words}${e.from ? ` (was ${e.from.replace('_', ' ')})` : ''}: ${e.progressPct.toFixed(1)} % of target`,
        values: { goal: e.goalId, status: e.status, from: e.from, progressPct: e.progressPct, pace: e.pace },
        at: e.asOf,
        key: `goal:${e.status}:${e.asOf}`,
      });
    }
  }

  private onSignal(s: Signal): void {
    if (!s.outcome) return;
    for (const rule of this.rules.list('performance')) {
      if (!rule.enabled) continue;
      for (const f of evalPerformance(this, rule, this.ctx.clock())) this.fire(rule, f);
    }
  }

  /** Risk and health rules, and snoozes that are due. */
  async tick(now = this.opts.wallNow()): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      this.wake(now);
      this.persistDirty();
      const rules = this.rules.list().filter((r) => r.enabled && (r.kind === 'risk' || r.kind === 'health') && !isSystemHealthRule(r));
      if (!rules.length) return;
      const health = rules.some((r) => r.kind === 'health') ? await this.ports.health() : [];
      for (const rule of rules) {
        const firings = rule.kind === 'risk' ? evalRisk(this, rule, this.ctx.clock()) : evalHealth(this, rule, health);
        for (const f of firings) this.fire(rule, f);
      }
    } catch (e) {
      console.error('[alerts] tick failed:', e);
    } finally {
      this.ticking = false;
    }
  }

  /** Snoozed alerts whose time has come are active again (and delivered again). */
  wake(now = this.opts.wallNow()): Alert[] {
    const out: Alert[] = [];
    for (const id of this.alerts.dueSnoozed(now)) {
      this.alerts.setStatus(id, 'active', now);
      const a = this.alerts.get(id)!;
      out.push(a);
      this.ctx.bus.publish('alert.updated', a);
      const rule = this.rules.get(a.ruleId);
      this.router.route(rule?.delivery ?? ['desktop'], { ...a, message: `Snooze over: ${a.message}` });
    }
    return out;
  }

  /**
   * Fires a rule unless its throttle holds it or it already fired for this key: persists the
   * alert, marks the rule fired (a `once` rule disables itself), publishes, then delivers.
   */
  fire(rule: AlertRule, f: Firing): Alert | null {
    const cur = this.rules.get(rule.id);
    if (!cur || !cur.enabled) return null;
    if (!throttleAllows(cur.lastFiredAt, cur.throttleMinutes, f.at)) {
      this.stats.throttled++;
      return null;
    }
    const draft: NewAlert = { ruleId: rule.id, ruleName: cur.name, kind: cur.kind, priority: cur.priority, message: f.message, values: f.values, firedAt: f.at, source: f.source ?? null, symbol: f.symbol ?? null, dedupKey: f.key };
    const a = this.ctx.db.transaction(() => {
      const ins = this.alerts.insert(draft, this.opts.wallNow());
      if (ins) this.rules.fired(rule.id, f.at, cur.once, this.opts.wallNow());
      return ins;
    })();
    if (!a) return null;
    this.stats.fired++;
    rule.lastFiredAt = f.at;
    this.ctx.bus.publish('alert.fired', a);
    this.router.route(cur.delivery, a);
    if (cur.once) {
      this.reload();
      this.publish('alerts.rules.changed', { ids: [rule.id] });
    }
    return a;
  }

  /** Resolves a rule's open alerts because its condition cleared, saying so. */
  resolveItself(ruleId: number, why: string, match?: (a: Alert) => boolean): void {
    const now = this.opts.wallNow();
    for (const a of this.alerts.openOf(ruleId)) {
      if (match && !match(a)) continue;
      this.alerts.setStatus(a.id, 'resolved', now, { resolution: `resolved itself: ${why}` });
      this.ctx.bus.publish('alert.updated', this.alerts.get(a.id)!);
    }
  }

  publish<T extends EventTopic>(topic: T, payload: Events[T]): void {
    this.ctx.bus.publish(topic, payload);
  }

  /** The last live price the module saw for a symbol. */
  lastPrice(source: string, symbol: string): number | undefined {
    return this.livePrices.get(`${source}|${symbol}`);
  }

  readonly handlers: Partial<Handlers> = {
    'alerts.rules.list': (q) => this.rules.list(q.kind),
    'alerts.rules.create': (i) => this.cmds.create(i),
    'alerts.rules.update': (i) => this.cmds.update(i),
    'alerts.rules.delete': (i) => this.cmds.deleteRule(i.id),
    'alerts.list': (q) => this.alerts.list(q),
    'alerts.ack': (q) => this.cmds.change('id' in q ? [q.id] : q.ids, 'acknowledged'),
    'alerts.resolve': (q) => this.cmds.change('id' in q ? [q.id] : q.ids, 'resolved'),
    'alerts.snooze': (q) => this.cmds.change('id' in q ? [q.id] : q.ids, 'snoozed', this.opts.wallNow() + q.minutes * 60_000),
    'alerts.delete': (q) => this.cmds.deleteAlerts('id' in q ? [q.id] : q.ids),
    'alerts.stats': () => this.alerts.stats(),
  };
}
