/**
 * The order engine. One signal or one keypress becomes at most one order:
 *
 *   orders.place → intent persisted under its UNIQUE idempotency key (status accepted)
 *     → kill switch → live enabled? → market rules → sizing → risk gate → funds
 *     → status sending (persisted, with the client order id) → broker → decision.
 *
 * Every intent ends EXECUTED | FAILED | SKIPPED with a canonical reason code; every FAILED one
 * raises a notification (refType 'intent'). On start-up, intents left accepted or sending by a
 * crash are reconciled with the broker by client order id before anything new is placed.
 *
 * The paper broker fills against the bus (`candle.updated` / `candle.closed`, 1m): market orders
 * at the next price plus slippage, limit orders when price crosses, stops when triggered. Stops
 * and targets attached to an entry become a one-cancels-other pair managed here.
 */
import crypto from 'node:crypto';
import { ApiError } from '../api/errors';
import { bucketStart } from '../api/timeframes';
import {
  LIVE_CONFIRMATION,
  type Account,
  type CandleEvent,
  type Decision,
  type EquitySnapshot,
  type InvariantsReport,
  type KillSwitchState,
  type MarketRules,
  type Order,
  type OrderIntent,
  type OrdersStatus,
  type PlaceOrder,
  type Position,
  type ReasonCode,
  type RiskLimits,
  type RiskStage,
  type RiskState,
  type SignalExecution,
  type IntentOrigin,
} from '../api/contract';
import type { Signal } from '../api/commands/signals';
import { CandlesRepo } from '../../db/repos/candles';
import { NotificationsRepo } from '../../db/repos/notifications';
import { SettingsRepo } from '../../db/repos/settings';
import { AccountsRepo, type AccountPatch } from '../../db/repos/accounts';
import { EquityRepo } from '../../db/repos/equity';
import { FillsRepo } from '../../db/repos/fills';
import { IntentsRepo } from '../../db/repos/intents';
import { OrdersRepo } from '../../db/repos/orders';
import { PositionsRepo, type PositionRow } from '../../db/repos/positions';
import { OrderSignalsReader } from '../../db/repos/order-signals';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { NotifyModule } from '../notify/module';
import { D, bps, type Dec } from './decimal';
import { applyFillToPosition, equityOf, unrealized } from './ledger';
import { LiveBroker, type ExchangeOrderState } from './live';
import { mapExchangeError, readable, type MappedError } from './reasons';
import { DEFAULT_LIMITS, pct, riskGate, stageFor } from './risk';
import { SecretBox } from './secrets';
import { paperRules, sizeOrder } from './sizing';

export interface OrdersOptions {
  /** ccxt request timeout for live accounts. */
  liveTimeoutMs: number;
  /** Retries of temporary exchange errors (network, rate limit, timeout), with back-off. */
  retries: number;
  retryBaseMs: number;
  /** How often open live orders are polled for fills. */
  pollMs: number;
  /** Clock for records (created_at), fills and limits: engine time by default; tests may pin it. */
  now: () => number;
  /**
   * Wall clock. The signals area stamps signals with it, so the diagnostics window over signals
   * is taken on this clock (the sim clock runs ahead of the wall at --sim-speed > 1).
   */
  wallNow: () => number;
}

const DEFAULT_OPTIONS: OrdersOptions = { liveTimeoutMs: 10_000, retries: 2, retryBaseMs: 300, pollMs: 2000, now: Date.now, wallNow: Date.now };
const KILL_KEY = 'orders.killSwitch';
const STAGE_KEY = 'orders.riskStage.';
/** An autopilot signal found without an intent after a restart is traded only if younger than this. */
const SIGNAL_MAX_AGE_MS = 2 * 60_000;

/** An account's drawdown stage, when it began (engine time), and whether its reductions are done. */
interface StageRecord {
  stage: RiskStage;
  since: number;
  applied: boolean;
  /** Retries of the episode's reductions after the kill switch held them (part of their keys). */
  attempt?: number;
}
const MONTH_MS_GUARD = 40 * 86_400_000;

type Outcome = { decision: Decision; reasonCode: ReasonCode; reasonMessage: string; exchangeError?: string | null; orderId?: number | null };

/** The client order id sent to the exchange: derived from the idempotency key, so it never changes. */
export function clientOrderIdFor(key: string): string {
  return 'sd' + crypto.createHash('sha256').update(key).digest('hex').slice(0, 30);
}

class Final extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.reasonMessage);
  }
}

export class OrdersModule implements EngineModule {
  readonly name = 'orders';
  readonly accounts: AccountsRepo;
  readonly intents: IntentsRepo;
  readonly orders: OrdersRepo;
  readonly fills: FillsRepo;
  readonly positions: PositionsRepo;
  readonly equity: EquityRepo;
  private readonly settings: SettingsRepo;
  private readonly candles: CandlesRepo;
  private readonly notifications: NotificationsRepo;
  private readonly signals: OrderSignalsReader;
  private readonly opts: OrdersOptions;
  private box: SecretBox | null = null;
  private readonly last = new Map<string, Dec>();
  private readonly live = new Map<number, LiveBroker>();
  private readonly inflight = new Map<string, Promise<OrderIntent>>();
  private readonly stages = new Map<number, StageRecord>();
  private readonly reducing = new Set<number>();
  private readonly peaks = new Map<number, { month: number; peak: Dec }>();
  private readonly unsubs: Array<() => void> = [];
  private pollTimer: NodeJS.Timeout | null = null;
  private lastSnapshotMinute = 0;
  private polling = false;
  private reconciledFlag = false;
  /** Resolves once start-up reconciliation is done; nothing new is placed before. */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: EngineContext,
    private readonly notify: NotifyModule,
    opts: Partial<OrdersOptions> = {},
  ) {
    // Engine time by default: paper fills, daily limits and the month peak follow the market clock
    // (the sim clock runs faster than the wall in demos and tests).
    this.opts = { ...DEFAULT_OPTIONS, now: () => ctx.clock(), ...opts };
    this.accounts = new AccountsRepo(ctx.db);
    this.intents = new IntentsRepo(ctx.db);
    this.orders = new OrdersRepo(ctx.db);
    this.fills = new FillsRepo(ctx.db);
    this.positions = new PositionsRepo(ctx.db);
    this.equity = new EquityRepo(ctx.db);
    this.settings = new SettingsRepo(ctx.db);
    this.candles = new CandlesRepo(ctx.db);
    this.notifications = new NotificationsRepo(ctx.db);
    this.signals = new OrderSignalsReader(ctx.db);
    if (this.accounts.list().length === 0) {
      this.accounts.insert(
        { name: 'Paper', kind: 'paper', exchange: null, source: 'sim', quoteCurrency: 'USDT', makerFeeBps: 8, takerFeeBps: 10, slippageBps: 5, startingBalance: '10000', keysEnc: null, urls: null, isDefault: true },
        this.opts.now(),
      );
    }
  }

  // ───────────────────────────── lifecycle ─────────────────────────────

  start(): void {
    this.unsubs.push(this.ctx.bus.subscribe('candle.updated', (e) => this.onCandle(e)));
    this.unsubs.push(this.ctx.bus.subscribe('candle.closed', (e) => this.onCandle(e)));
    // signal.created belongs to the signals area (issue 4); subscribe by name so this module
    // works whether or not that topic is declared in the contract yet.
    const subscribeAny = this.ctx.bus.subscribe.bind(this.ctx.bus) as unknown as (t: string, h: (p: unknown) => void) => () => void;
    this.unsubs.push(subscribeAny('signal.created', (p) => this.onSignal(p as Signal)));
    this.ready = this.reconcile()
      .then(() => this.recoverSignals())
      .then(() => undefined, (e: unknown) => console.error('[orders] reconciliation failed:', e))
      .finally(() => {
        this.reconciledFlag = true;
        this.publishStatus();
      });
    this.pollTimer = setInterval(() => void this.pollLive(), this.opts.pollMs);
    this.pollTimer.unref?.();
  }

  stop(): void {
    for (const u of this.unsubs.splice(0)) u();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  // ───────────────────────────── accounts ─────────────────────────────

  private secrets(): SecretBox {
    return (this.box ??= new SecretBox(this.ctx.opts.dataDir));
  }

  account(id?: number): Account {
    const aid = id ?? this.accounts.defaultId();
    const a = aid === undefined ? undefined : this.accounts.get(aid);
    if (!a) throw new ApiError('NOT_FOUND', `Unknown account ${id}`, { account: id });
    return a;
  }

  private broker(a: Account): LiveBroker {
    let b = this.live.get(a.id);
    if (!b) {
      const enc = this.accounts.keysEnc(a.id);
      if (!enc || !a.exchange) throw new ApiError('UNPROCESSABLE', `Account ${a.name} has no exchange keys`);
      const keys = JSON.parse(this.secrets().open(enc)) as { apiKey: string; secret: string };
      b = new LiveBroker({ exchange: a.exchange, apiKey: keys.apiKey, secret: keys.secret, urls: a.urls, timeoutMs: this.opts.liveTimeoutMs, makerFeeBps: a.makerFeeBps, takerFeeBps: a.takerFeeBps });
      this.live.set(a.id, b);
    }
    return b;
  }

  limits(accountId: number): RiskLimits {
    const stored = JSON.parse(this.accounts.riskJson(accountId)) as Partial<RiskLimits>;
    return { ...DEFAULT_LIMITS, ...stored };
  }

  // ───────────────────────────── prices and valuation ─────────────────────────────

  lastPrice(source: string, symbol: string): Dec | null {
    const k = `${source}|${symbol}`;
    const v = this.last.get(k);
    if (v) return v;
    const row = this.candles.latest({ source, symbol, timeframe: '1m' });
    if (!row) return null;
    const p = D.of(row[4]);
    this.last.set(k, p);
    return p;
  }

  valuation(a: Account): { equity: Dec; unrealized: Dec; gross: Dec; positions: PositionRow[] } {
    const positions = this.positions.list(a.id);
    const v = equityOf(a.cash, positions, (s) => this.lastPrice(a.source, s));
    return { ...v, positions };
  }

  riskState(a: Account): RiskState {
    const { equity } = this.valuation(a);
    const clock = this.ctx.clock();
    const month = monthStart(clock);
    let pk = this.peaks.get(a.id);
    if (!pk || pk.month !== month) {
      let peak = equity;
      for (const s of this.equity.equities(a.id, month)) if (D.gt(s.equity, peak)) peak = s.equity;
      pk = { month, peak };
    }
    if (D.gt(equity, pk.peak)) pk = { month, peak: equity };
    this.peaks.set(a.id, pk);
    const dayStart = this.equity.firstSince(a.id, bucketStart(clock, '1d')) ?? equity;
    const drawdownPct = D.gt(pk.peak, equity) ? pct(D.sub(pk.peak, equity), pk.peak) : 0;
    const dailyPnlPct = pct(D.sub(equity, dayStart), dayStart);
    const limits = this.limits(a.id);
    return { accountId: a.id, equity, monthPeak: pk.peak, drawdownPct, dayStartEquity: dayStart, dailyPnlPct, stage: stageFor(drawdownPct, limits.maxDrawdownPct) };
  }

  /** Records an equity snapshot and applies the drawdown stages (pause, halve, close all). */
  snapshot(a: Account, ts = bucketStart(this.ctx.clock(), '1m')): RiskState {
    const v = this.valuation(a);
    this.equity.insert({ accountId: a.id, ts, equity: v.equity, cash: a.cash, unrealizedPnl: v.unrealized });
    const st = this.riskState(a);
    this.applyStage(a, st);
    return st;
  }

  /** The drawdown stage an account is in, persisted so a restart neither re-notifies nor re-reduces. */
  private stageOf(accountId: number): StageRecord {
    let r = this.stages.get(accountId);
    if (!r) {
      r = this.settings.get<StageRecord>(`${STAGE_KEY}${accountId}`) ?? { stage: 'normal', since: 0, applied: true };
      this.stages.set(accountId, r);
    }
    return r;
  }

  private saveStage(accountId: number, r: StageRecord): void {
    this.stages.set(accountId, r);
    this.settings.set(`${STAGE_KEY}${accountId}`, r);
  }

  private applyStage(a: Account, st: RiskState): void {
    let cur = this.stageOf(a.id);
    if (st.stage !== cur.stage) {
      // A new stage starts an episode: its reductions are keyed by when it began, so the same
      // episode never reduces twice (even across a crash) and a later episode reduces again.
      cur = { stage: st.stage, since: this.ctx.clock(), applied: st.stage !== 'reduced' && st.stage !== 'closed' };
      this.saveStage(a.id, cur);
      const limits = this.limits(a.id);
      if (st.stage !== 'normal') {
        const what = st.stage === 'paused' ? 'new entries paused' : st.stage === 'reduced' ? 'new entries paused and every position halved' : 'every position closed';
        this.notify.notify({
          kind: 'risk',
          severity: st.stage === 'paused' ? 'warning' : 'error',
          title: `${a.name}: drawdown ${st.drawdownPct.toFixed(2)}% — ${what}`,
          body: `Equity ${D.roundTo(st.equity, '0.01')} is ${st.drawdownPct.toFixed(2)}% below this month's peak ${D.roundTo(st.monthPeak, '0.01')} (limit ${limits.maxDrawdownPct}%).`,
          refType: 'account',
          refId: String(a.id),
        });
      }
      this.publishStatus();
    }
    // The kill switch holds every new order, reductions included; they run when it is released.
    if (cur.applied || this.reducing.has(a.id) || this.killSwitch().on) return;
    // Reductions not yet done (just entered, or interrupted by a crash): placed under the
    // episode's keys, so a retry returns the intents already made instead of reducing again.
    const episode = cur;
    const fraction = episode.stage === 'closed' ? 1 : 0.5;
    const action = episode.stage === 'closed' ? 'close' : 'halve';
    const attempt = episode.attempt ? `:${episode.attempt}` : '';
    this.reducing.add(a.id);
    void Promise.allSettled(
      this.positions.list(a.id).map((p) => this.closePosition(a, p.symbol, fraction, `risk:${a.id}:${episode.since}:${action}:${p.symbol}${attempt}`, 'risk')),
    ).then((results) => {
      this.reducing.delete(a.id);
      for (const r of results) if (r.status === 'rejected') console.error('[orders] risk reduction failed:', r.reason);
      if (!results.every((r) => r.status === 'fulfilled') || this.stageOf(a.id) !== episode) return;
      // Thrown while these were on their way: they were SKIPPED, so the next attempt (on release)
      // needs keys of its own.
      const held = results.some((r) => r.status === 'fulfilled' && r.value?.reasonCode === 'KILL_SWITCH');
      this.saveStage(a.id, held ? { ...episode, attempt: (episode.attempt ?? 0) + 1 } : { ...episode, applied: true });
    });
  }

  // ───────────────────────────── kill switch ─────────────────────────────

  killSwitch(): KillSwitchState {
    return this.settings.get<KillSwitchState>(KILL_KEY) ?? { on: false, reason: null, at: null };
  }

  async setKillSwitch(on: boolean, reason: string | undefined, cancelOpen: boolean | undefined): Promise<KillSwitchState & { canceled: number }> {
    const state: KillSwitchState = { on, reason: on ? (reason ?? 'kill switch') : null, at: this.opts.now() };
    this.settings.set(KILL_KEY, state);
    let canceled = 0;
    if (on && cancelOpen) canceled = (await this.cancelOrders({ all: true })).length;
    if (on) this.notify.notify({ kind: 'risk', severity: 'warning', title: 'Kill switch ON: no new orders', body: state.reason ?? '', refType: 'killSwitch', refId: String(state.at) });
    // Released: drawdown reductions the switch held are due now.
    else for (const a of this.accounts.list()) this.applyStage(a, this.riskState(a));
    this.publishStatus();
    return { ...state, canceled };
  }

  // ───────────────────────────── intents ─────────────────────────────

  /** Accepts an order: persisted under its key first; the same key again returns the first intent. */
  async place(req: PlaceOrder, origin: IntentOrigin = 'manual'): Promise<OrderIntent> {
    const a = this.account(req.account);
    const key = req.idempotencyKey ?? `manual:${crypto.randomUUID()}`;
    const { intent, created } = this.intents.insertOrGet({
      idempotencyKey: key,
      accountId: a.id,
      signalId: req.signalId ?? null,
      origin,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      request: { ...req, account: a.id, idempotencyKey: key },
      price: req.price ?? null,
      stopPrice: req.stopPrice ?? null,
      stopLoss: req.stopLoss ?? null,
      takeProfit: req.takeProfit ?? null,
      clientOrderId: clientOrderIdFor(key),
      createdAt: this.opts.now(),
    });
    if (!created) {
      // A key from before a restart may still be under reconciliation: its answer is the decision
      // reconciliation reaches, never an undecided intent.
      await this.ready;
      const running = this.inflight.get(key);
      if (running) await running.catch(() => undefined);
      return { ...this.intents.byKey(key)!, duplicate: true };
    }
    this.ctx.bus.publish('order.intent', intent);
    return this.run(intent);
  }

  private run(intent: OrderIntent): Promise<OrderIntent> {
    const existing = this.inflight.get(intent.idempotencyKey);
    if (existing) return existing;
    const p = (async () => {
      await this.ready;
      return this.process(intent);
    })().finally(() => this.inflight.delete(intent.idempotencyKey));
    this.inflight.set(intent.idempotencyKey, p);
    return p;
  }

  private async process(intent: OrderIntent): Promise<OrderIntent> {
    const req = this.intents.request(intent.id) as PlaceOrder;
    let outcome: Outcome;
    try {
      outcome = await this.execute(intent, req);
    } catch (e) {
      if (e instanceof Final) outcome = e.outcome;
      else {
        const m = mapExchangeError(e);
        outcome = { decision: 'FAILED', reasonCode: m.code, reasonMessage: m.message, exchangeError: m.snippet };
      }
    }
    return this.decide(intent.id, outcome);
  }

  private decide(id: number, o: Outcome): OrderIntent {
    this.intents.decide(id, o, this.opts.now());
    const intent = this.intents.get(id)!;
    if (o.decision === 'FAILED') this.notifyFailed(intent);
    this.ctx.bus.publish('order.intent', intent);
    return intent;
  }

  private notifyFailed(i: OrderIntent): void {
    this.notify.notify({
      kind: 'order',
      severity: 'error',
      title: `Order FAILED: ${i.side.toUpperCase()} ${i.symbol} — ${i.reasonCode}`,
      body: `${i.reasonMessage ?? ''}${i.exchangeError ? `\n${i.exchangeError}` : ''}`,
      refType: 'intent',
      refId: String(i.id),
    });
  }

  private async execute(intent: OrderIntent, req: PlaceOrder): Promise<Outcome> {
    const skip = (reasonCode: ReasonCode, msg?: string): never => {
      throw new Final({ decision: 'SKIPPED', reasonCode, reasonMessage: msg ?? readable(reasonCode) });
    };
    const fail = (reasonCode: ReasonCode, msg: string, snippet: string | null = null): never => {
      throw new Final({ decision: 'FAILED', reasonCode, reasonMessage: msg, exchangeError: snippet });
    };
    const ks = this.killSwitch();
    if (ks.on) skip('KILL_SWITCH', `kill switch is on${ks.reason ? `: ${ks.reason}` : ''}`);
    const a = this.account(intent.accountId);
    if (a.kind === 'live' && !a.liveEnabled) skip('LIVE_NOT_ENABLED', `live trading is not enabled on ${a.name}`);
    const rules = await this.rules(a, req.symbol);
    if (a.kind === 'live') await this.syncLiveCash(a);
    const pos = this.positions.get(a.id, req.symbol);
    const qtyBefore = pos?.qty ?? '0';
    let price = req.price ? D.roundTo(req.price, rules.tick) : null;
    const stopPrice = req.stopPrice ? D.roundTo(req.stopPrice, rules.tick) : null;
    const ref = req.type === 'limit' || req.type === 'stop_limit' ? price : req.type === 'stop' ? stopPrice : rules.last;
    if (!ref) skip('NO_PRICE', `no price for ${req.symbol} on ${a.source} yet`);
    const { equity, gross } = this.valuation(this.account(a.id));
    let amount: Dec;
    let capNote = '';
    if (req.reduceOnly) {
      if (D.isZero(qtyBefore) || (D.sign(qtyBefore) > 0) !== (req.side === 'sell')) skip('INVALID_ORDER', `reduce-only ${req.side} but no ${req.side === 'sell' ? 'long' : 'short'} position on ${req.symbol}`);
      const want = req.amount ?? D.abs(qtyBefore);
      amount = D.floorTo(D.min(want, D.abs(qtyBefore)), rules.step);
      if (D.isZero(amount)) skip('MIN_NOTIONAL_NOT_MET', 'nothing to reduce at this amount step');
    } else {
      const s = sizeOrder({ amount: req.amount, quoteAmount: req.quoteAmount, equityPercent: req.equityPercent, riskPercent: req.riskPercent, stopLoss: req.stopLoss }, ref!, equity, rules);
      if (!s.ok) skip(s.code, s.message);
      amount = (s as { amount: Dec }).amount;
      if (intent.origin === 'autopilot' || intent.origin === 'signal') {
        // Signal sizing (risk % over a tight stop) may ask for more than the limits allow: the
        // size is cut to what the position-notional and symbol-exposure limits leave room for.
        const capped = this.capToLimits(a.id, amount, qtyBefore, req.side, ref!, equity, rules);
        if (capped !== null) {
          capNote = ` (size cut from ${amount} to the risk limits)`;
          amount = capped;
        }
      }
    }
    this.intents.setAmount(intent.id, amount);
    const signed = req.side === 'buy' ? amount : D.neg(amount);
    const qtyAfter = D.add(qtyBefore, signed);
    if (intent.origin !== 'risk' && intent.origin !== 'oco' && !req.reduceOnly) {
      const st = this.riskState(a);
      const g = riskGate({ limits: this.limits(a.id), equity, drawdownPct: st.drawdownPct, dailyPnlPct: st.dailyPnlPct, qtyBefore, qtyAfter, price: ref!, openPositions: this.positions.list(a.id).length });
      if (!g.ok) skip('RISK_BLOCKED', `risk gate (${g.rule}): ${g.message}`);
    }
    if (a.kind === 'paper') {
      const increasing = D.gt(D.abs(qtyAfter), D.abs(qtyBefore));
      if (increasing) {
        const need = D.mul(D.mul(amount, ref!), D.add('1', bps(a.takerFeeBps)));
        const free = D.sub(equity, gross);
        if (D.lt(free, need)) fail('INSUFFICIENT_FUNDS', readable('INSUFFICIENT_FUNDS'), `paper: needs ${D.roundTo(need, '0.01')} ${a.quoteCurrency}, available ${D.roundTo(free, '0.01')}`);
      }
    }
    // Last look before anything leaves: the kill switch may have been thrown while we sized.
    const ks2 = this.killSwitch();
    if (ks2.on) skip('KILL_SWITCH', `kill switch is on${ks2.reason ? `: ${ks2.reason}` : ''}`);
    this.intents.setSending(intent.id, amount);
    const role = intent.origin === 'oco' || intent.origin === 'risk' || req.reduceOnly ? 'exit' : 'entry';
    if (req.type === 'market') price = null;
    if (a.kind === 'paper') {
      const order = this.ctx.db.transaction(() => {
        const o = this.orders.insert({ intentId: intent.id, accountId: a.id, clientOrderId: intent.clientOrderId, exchangeOrderId: `paper-${intent.id}`, symbol: req.symbol, side: req.side, type: req.type, role, amount, price, stopPrice, status: 'open', ocoGroup: null }, this.opts.now());
        this.intents.decide(intent.id, { decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED', reasonMessage: `order placed: ${req.side} ${amount} ${req.symbol} ${req.type} (paper)${capNote}`, orderId: o.id }, this.opts.now());
        return o;
      })();
      this.ctx.bus.publish('order.updated', order);
      return { decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED', reasonMessage: `order placed: ${req.side} ${amount} ${req.symbol} ${req.type} (paper)${capNote}`, orderId: order.id };
    }
    const broker = this.broker(a);
    const ack = await this.sendWithRetry(broker, { clientOrderId: intent.clientOrderId, symbol: req.symbol, side: req.side, type: req.type, amount, price, stopPrice });
    const order = this.recordLiveOrder(a, intent, req, role, amount, price, stopPrice, ack);
    return { decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED', reasonMessage: `order placed: ${req.side} ${amount} ${req.symbol} ${req.type} (live, ${ack.status})${capNote}`, orderId: order.id };
  }

  /**
   * The largest amount (on the step) whose resulting position stays within the max position
   * notional and the symbol exposure limit; null when `amount` already fits or no positive amount
   * fits (then the risk gate explains the block).
   */
  private capToLimits(accountId: number, amount: Dec, qtyBefore: Dec, side: PlaceOrder['side'], price: Dec, equity: Dec, rules: MarketRules): Dec | null {
    const l = this.limits(accountId);
    const byExposure = D.div(D.mul(equity, D.of(l.maxSymbolExposurePct)), '100');
    const maxNotional = D.min(l.maxPositionNotional, byExposure);
    const signed = side === 'buy' ? amount : D.neg(amount);
    const after = D.add(qtyBefore, signed);
    if (!D.gt(D.abs(D.mul(after, price)), maxNotional)) return null;
    // Room left on this side: the opposite position (if any) is crossed first.
    const sameSide = D.isZero(qtyBefore) || (D.sign(qtyBefore) > 0) === (side === 'buy');
    const room = sameSide ? D.sub(D.div(maxNotional, price), D.abs(qtyBefore)) : D.add(D.abs(qtyBefore), D.div(maxNotional, price));
    if (D.sign(room) <= 0) return null;
    const capped = D.floorTo(room, rules.step);
    if (D.isZero(capped) || D.lt(capped, rules.minAmount) || D.lt(D.mul(capped, price), rules.minNotional)) return null;
    return capped;
  }

  private async sendWithRetry(broker: LiveBroker, r: Parameters<LiveBroker['place']>[0]): Promise<ExchangeOrderState> {
    let lastErr: MappedError | null = null;
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (attempt > 0) {
        await sleep(this.opts.retryBaseMs * 2 ** (attempt - 1));
        // A timed-out or dropped request may have reached the exchange: ask before resending.
        try {
          const found = await broker.fetchByClientId(r.symbol, r.clientOrderId);
          if (found) return found;
        } catch {
          // Unknown: the same client order id is resent; the exchange refuses a duplicate.
        }
        if (this.killSwitch().on) throw new Final({ decision: 'SKIPPED', reasonCode: 'KILL_SWITCH', reasonMessage: 'kill switch turned on while retrying' });
      }
      try {
        return await broker.place(r);
      } catch (e) {
        lastErr = mapExchangeError(e);
        if (!lastErr.temporary) break;
      }
    }
    const m = lastErr!;
    throw new Final({ decision: 'FAILED', reasonCode: m.code, reasonMessage: m.message, exchangeError: m.snippet });
  }

  private recordLiveOrder(a: Account, intent: OrderIntent, req: PlaceOrder, role: Order['role'], amount: Dec, price: Dec | null, stopPrice: Dec | null, ack: ExchangeOrderState): Order {
    let order = this.orders.byClientId(intent.clientOrderId);
    if (!order) {
      order = this.orders.insert({ intentId: intent.id, accountId: a.id, clientOrderId: intent.clientOrderId, exchangeOrderId: ack.exchangeOrderId, symbol: req.symbol, side: req.side, type: req.type, role, amount, price, stopPrice, status: 'open', ocoGroup: null }, this.opts.now());
      this.ctx.bus.publish('order.updated', order);
    }
    this.syncLiveOrder(a, order, ack);
    return order;
  }

  /** Applies what the exchange reports about one of our orders (fills as deltas). */
  private syncLiveOrder(a: Account, order: Order, st: ExchangeOrderState): void {
    const delta = D.sub(st.filled, order.filled);
    if (D.gt(delta, '0')) {
      const px = st.avgPrice ?? order.price ?? this.lastPrice(a.source, order.symbol) ?? '0';
      const fee = st.fee !== null && D.gt(st.fee, '0') ? st.fee : D.roundTo(D.mul(D.mul(delta, px), bps(a.takerFeeBps)), '0.00000001');
      this.applyFill(a, order, delta, px, fee, st.status === 'filled' || D.gte(st.filled, order.amount));
    } else if (st.status !== order.status && st.status !== 'filled') {
      this.ctx.bus.publish('order.updated', this.orders.update(order.id, { status: st.status, exchangeOrderId: st.exchangeOrderId ?? order.exchangeOrderId }, this.opts.now()));
    }
  }

  private readonly cashSyncedAt = new Map<number, number>();

  /** Live accounts: the exchange's quote balance is the truth for cash (re-read at most every 10 s). */
  private async syncLiveCash(a: Account): Promise<void> {
    const t = this.opts.now();
    if (t - (this.cashSyncedAt.get(a.id) ?? 0) < 10_000) return;
    const cash = await this.broker(a).quoteBalance(a.quoteCurrency);
    this.accounts.setCash(a.id, cash);
    this.cashSyncedAt.set(a.id, t);
  }

  private async rules(a: Account, symbol: string): Promise<MarketRules> {
    const last = this.lastPrice(a.source, symbol);
    if (a.kind === 'paper') return { ...paperRules(symbol, last), makerFeeBps: a.makerFeeBps, takerFeeBps: a.takerFeeBps };
    return this.broker(a).rules(symbol, last);
  }

  // ───────────────────────────── reconciliation ─────────────────────────────

  /** Intents a crash left without a decision: asks the broker by client order id, then resumes. */
  async reconcile(): Promise<{ reconciled: number; resumed: number }> {
    let reconciled = 0;
    let resumed = 0;
    for (const intent of this.intents.undecided()) {
      const a = this.accounts.get(intent.accountId);
      if (!a) continue;
      try {
        if (intent.status === 'sending') {
          const known = this.orders.byClientId(intent.clientOrderId);
          let state: ExchangeOrderState | null = null;
          if (a.kind === 'live') state = await this.fetchWithRetry(a, intent);
          if (known || state) {
            const req = this.intents.request(intent.id) as PlaceOrder;
            let orderId = known?.id ?? null;
            if (a.kind === 'live' && state) {
              const role = intent.origin === 'oco' || intent.origin === 'risk' || req.reduceOnly ? 'exit' : 'entry';
              orderId = this.recordLiveOrder(a, intent, req, role, intent.amount ?? '0', req.type === 'market' ? null : (req.price ?? null), req.stopPrice ?? null, state).id;
            }
            this.decide(intent.id, { decision: 'EXECUTED', reasonCode: 'EXEC_RECONCILED', reasonMessage: 'order found at the exchange by its client order id after a restart', orderId });
            reconciled++;
            continue;
          }
        }
        resumed++;
        this.inflight.set(intent.idempotencyKey, Promise.resolve(intent));
        try {
          await this.process(intent);
        } finally {
          this.inflight.delete(intent.idempotencyKey);
        }
      } catch (e) {
        const m = mapExchangeError(e);
        this.decide(intent.id, { decision: 'FAILED', reasonCode: m.code, reasonMessage: `could not reconcile after a restart: ${m.message}; the order may exist at the exchange`, exchangeError: m.snippet });
      }
    }
    return { reconciled, resumed };
  }

  /**
   * Autopilot signals a crash caught between "signal persisted" and "intent persisted": each
   * gets its intent now (key `signal:<id>`, so a late duplicate delivery still finds it). A
   * signal older than SIGNAL_MAX_AGE_MS (wall clock, as signals are stamped) is not traded hours
   * later: its intent is SKIPPED SIGNAL_EXPIRED. Fresh ones are placed once start-up is done.
   */
  recoverSignals(): { expired: number; placed: number } {
    let expired = 0;
    let placed = 0;
    const wall = this.opts.wallNow();
    for (const sig of this.signals.autopilotWithoutIntent(wall - 24 * 3_600_000)) {
      const a = this.account();
      const req = this.signalOrder(sig, a.id);
      if (wall - sig.createdAt > SIGNAL_MAX_AGE_MS) {
        const key = req.idempotencyKey!;
        const { intent, created } = this.intents.insertOrGet({
          idempotencyKey: key,
          accountId: a.id,
          signalId: sig.id,
          origin: 'autopilot',
          symbol: req.symbol,
          side: req.side,
          type: req.type,
          request: req,
          price: null,
          stopPrice: null,
          stopLoss: req.stopLoss ?? null,
          takeProfit: req.takeProfit ?? null,
          clientOrderId: clientOrderIdFor(key),
          createdAt: this.opts.now(),
        });
        if (created) {
          const mins = Math.round((wall - sig.createdAt) / 60_000);
          this.decide(intent.id, { decision: 'SKIPPED', reasonCode: 'SIGNAL_EXPIRED', reasonMessage: `signal #${sig.id} was delivered ${mins} min before a restart and never reached the order engine; too old to trade on autopilot` });
          expired++;
        }
        continue;
      }
      placed++;
      // Not awaited: placing waits for start-up to finish, which is what this runs inside.
      void this.place(req, 'autopilot').catch((e: unknown) => console.error('[orders] recovered autopilot intent failed:', e));
    }
    return { expired, placed };
  }

  private async fetchWithRetry(a: Account, intent: OrderIntent): Promise<ExchangeOrderState | null> {
    let err: unknown;
    for (let i = 0; i <= this.opts.retries + 2; i++) {
      try {
        return await this.broker(a).fetchByClientId(intent.symbol, intent.clientOrderId);
      } catch (e) {
        err = e;
        if (!mapExchangeError(e).temporary) break;
        await sleep(this.opts.retryBaseMs * 2 ** i);
      }
    }
    throw err;
  }

  // ───────────────────────────── fills (paper matching, live polling) ─────────────────────────────

  private onCandle(e: CandleEvent): void {
    if (e.timeframe !== '1m') return;
    const px = D.of(e.candle[4]);
    this.last.set(`${e.source}|${e.symbol}`, px);
    try {
      this.matchOrders(e.source, e.symbol, px);
      const minute = bucketStart(this.ctx.clock(), '1m');
      if (minute !== this.lastSnapshotMinute) {
        this.lastSnapshotMinute = minute;
        for (const a of this.accounts.list()) this.snapshot(a, minute);
      }
    } catch (err) {
      console.error('[orders] matching failed:', err);
    }
  }

  /** Paper orders (and engine-managed stop/target legs) against the newest price of a symbol. */
  matchOrders(source: string, symbol: string, px: Dec): void {
    const open = this.orders.list({ status: 'open', symbol, limit: 5000 });
    if (open.length === 0) return;
    const accounts = new Map<number, Account>();
    for (const o of open) {
      const a = accounts.get(o.accountId) ?? this.accounts.get(o.accountId);
      if (!a || a.source !== source) continue;
      accounts.set(a.id, a);
      const managedLeg = o.role === 'stop' || o.role === 'target';
      if (a.kind === 'live' && !managedLeg) continue;
      const r = paperRules(symbol, px);
      const slip = bps(a.slippageBps);
      const up = D.add('1', slip);
      const down = D.sub('1', slip);
      const market = (): Dec => D.roundTo(D.mul(px, o.side === 'buy' ? up : down), r.tick);
      let fillPx: Dec | null = null;
      let maker = false;
      let type = o.type;
      if (type === 'stop' || (type === 'stop_limit' && !o.triggered)) {
        const hit = o.side === 'buy' ? D.gte(px, o.stopPrice!) : D.lte(px, o.stopPrice!);
        if (!hit) continue;
        if (type === 'stop') fillPx = market();
        else {
          this.orders.update(o.id, { triggered: true }, this.opts.now());
          type = 'limit';
        }
      }
      if (type === 'market') fillPx = market();
      if (type === 'limit' || (type === 'stop_limit' && fillPx === null)) {
        const lim = o.price!;
        const cross = o.side === 'buy' ? D.lte(px, lim) : D.gte(px, lim);
        if (!cross) continue;
        fillPx = o.side === 'buy' ? D.min(px, lim) : D.max(px, lim);
        maker = true;
      }
      if (fillPx === null) continue;
      let amount = o.amount;
      if (o.role !== 'entry') {
        const pos = this.positions.get(a.id, symbol);
        const q = pos?.qty ?? '0';
        const reduces = !D.isZero(q) && (D.sign(q) > 0) === (o.side === 'sell');
        if (!reduces) {
          this.ctx.bus.publish('order.updated', this.orders.update(o.id, { status: 'canceled' }, this.opts.now()));
          continue;
        }
        amount = D.min(amount, D.abs(q));
      }
      if (a.kind === 'live') {
        this.triggerLiveLeg(a, o, amount);
        continue;
      }
      const fee = D.roundTo(D.mul(D.mul(amount, fillPx), bps(maker ? a.makerFeeBps : a.takerFeeBps)), '0.00000001');
      this.applyFill(a, { ...o, amount }, amount, fillPx, fee, true);
    }
  }

  private triggerLiveLeg(a: Account, leg: Order, amount: Dec): void {
    this.orders.update(leg.id, { triggered: true, status: 'filled' }, this.opts.now());
    this.cancelSiblings(leg);
    void this.place({ account: a.id, symbol: leg.symbol, side: leg.side, type: 'market', amount, reduceOnly: true, idempotencyKey: `oco:${leg.id}` }, 'oco').catch((e: unknown) => console.error('[orders] OCO exit failed:', e));
  }

  /** Books a fill: fill row, order, position and cash in one transaction; then OCO follow-ups. */
  applyFill(a: Account, order: Order, amount: Dec, price: Dec, fee: Dec, complete: boolean): void {
    const ts = this.opts.now();
    const { fill, updated, position } = this.ctx.db.transaction(() => {
      const acct = this.accounts.get(a.id)!;
      const eff = applyFillToPosition(this.positions.get(a.id, order.symbol), a.id, order.symbol, order.side, amount, price, fee, ts);
      const cur = this.orders.get(order.id)!;
      const filled = D.add(cur.filled, amount);
      const avg = cur.avgPrice && !D.isZero(cur.filled) ? D.div(D.add(D.mul(cur.filled, cur.avgPrice), D.mul(amount, price)), filled) : price;
      const updated = this.orders.update(order.id, { filled, avgPrice: avg, fee: D.add(cur.fee, fee), status: complete ? 'filled' : 'open' }, ts);
      const intent = order.intentId ? this.intents.get(order.intentId) : undefined;
      if (order.role === 'entry' && intent && (intent.stopLoss || intent.takeProfit)) {
        eff.position.stopLoss = intent.stopLoss ?? eff.position.stopLoss;
        eff.position.takeProfit = intent.takeProfit ?? eff.position.takeProfit;
      }
      this.positions.upsert(eff.position);
      this.accounts.setCash(a.id, D.add(acct.cash, eff.cashDelta));
      const fill = this.fills.insert({ orderId: order.id, accountId: a.id, symbol: order.symbol, side: order.side, amount, price, fee, realizedPnl: eff.realizedPnl, ts });
      return { fill, updated, position: eff.position };
    })();
    this.ctx.bus.publish('order.fill', fill);
    this.ctx.bus.publish('order.updated', updated);
    this.ctx.bus.publish('position.updated', this.toPosition(a, position));
    if (order.role === 'stop' || order.role === 'target') this.cancelSiblings(order);
    if (order.role === 'entry' && complete) this.attachBrackets(a, updated);
  }

  /** After an entry fills: its stop and target become a one-cancels-other pair managed here. */
  private attachBrackets(a: Account, entry: Order): void {
    const intent = entry.intentId ? this.intents.get(entry.intentId) : undefined;
    if (!intent || (!intent.stopLoss && !intent.takeProfit)) return;
    const group = `oco-${entry.id}`;
    const exitSide = entry.side === 'buy' ? 'sell' : 'buy';
    const now = this.opts.now();
    const legs: Order[] = [];
    this.ctx.db.transaction(() => {
      if (intent.stopLoss) legs.push(this.orders.insert({ intentId: intent.id, accountId: a.id, clientOrderId: `${intent.clientOrderId}-sl`, exchangeOrderId: null, symbol: entry.symbol, side: exitSide, type: 'stop', role: 'stop', amount: entry.filled, price: null, stopPrice: intent.stopLoss, status: 'open', ocoGroup: group }, now));
      if (intent.takeProfit) legs.push(this.orders.insert({ intentId: intent.id, accountId: a.id, clientOrderId: `${intent.clientOrderId}-tp`, exchangeOrderId: null, symbol: entry.symbol, side: exitSide, type: 'limit', role: 'target', amount: entry.filled, price: intent.takeProfit, stopPrice: null, status: 'open', ocoGroup: group }, now));
    })();
    for (const l of legs) this.ctx.bus.publish('order.updated', l);
  }

  private cancelSiblings(o: Order): void {
    if (!o.ocoGroup) return;
    for (const s of this.orders.byOco(o.ocoGroup)) {
      if (s.id !== o.id && s.status === 'open') this.ctx.bus.publish('order.updated', this.orders.update(s.id, { status: 'canceled' }, this.opts.now()));
    }
  }

  /** One round of live polling: fills of open live orders, and prices for engine-managed legs. */
  async pollLive(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      // Engine-managed stop/target legs of live accounts need a price even when the collector does
      // not follow that exchange: the exchange's ticker is asked and the legs matched against it.
      const legs = new Map<string, { a: Account; symbol: string }>();
      for (const o of this.orders.list({ status: 'open', limit: 5000 })) {
        if (o.role !== 'stop' && o.role !== 'target') continue;
        const a = this.accounts.get(o.accountId);
        if (a?.kind === 'live') legs.set(`${a.id}|${o.symbol}`, { a, symbol: o.symbol });
      }
      for (const { a, symbol } of legs.values()) {
        try {
          const last = (await this.broker(a).rules(symbol, null)).last;
          if (last) this.matchOrders(a.source, symbol, last);
        } catch {
          // Best effort, like order polling: the next round asks again.
        }
      }
      for (const o of this.orders.list({ status: 'open', limit: 5000 })) {
        if (o.role === 'stop' || o.role === 'target') continue;
        const a = this.accounts.get(o.accountId);
        if (!a || a.kind !== 'live') continue;
        try {
          const st = await this.broker(a).fetchByClientId(o.symbol, o.clientOrderId);
          if (st) this.syncLiveOrder(a, this.orders.get(o.id)!, st);
        } catch {
          // Polling is best effort; the next round retries.
        }
      }
    } finally {
      this.polling = false;
    }
  }

  // ───────────────────────────── cancel and close ─────────────────────────────

  async cancelOrders(q: { id?: number; all?: boolean; account?: number; symbol?: string }): Promise<number[]> {
    let targets: Order[];
    if (q.id !== undefined) {
      const o = this.orders.get(q.id);
      if (!o) throw new ApiError('NOT_FOUND', `Unknown order ${q.id}`, { id: q.id });
      if (o.status !== 'open') throw new ApiError('CONFLICT', `Order ${q.id} is ${o.status}, not open`, { id: q.id, status: o.status });
      targets = [o];
    } else targets = this.orders.list({ status: 'open', account: q.account, symbol: q.symbol, limit: 5000 });
    const done: number[] = [];
    for (const o of targets) {
      const a = this.accounts.get(o.accountId)!;
      if (a.kind === 'live' && o.exchangeOrderId && o.role !== 'stop' && o.role !== 'target') {
        try {
          await this.broker(a).cancel(o.symbol, o.clientOrderId);
        } catch (e) {
          const m = mapExchangeError(e);
          if (q.id !== undefined) throw new ApiError('UNPROCESSABLE', `Cancel failed: ${m.message}`, { reasonCode: m.code, exchangeError: m.snippet });
          continue;
        }
      }
      this.ctx.bus.publish('order.updated', this.orders.update(o.id, { status: 'canceled' }, this.opts.now()));
      done.push(o.id);
    }
    return done;
  }

  async closePosition(a: Account, symbol: string, fraction = 1, key?: string, origin: IntentOrigin = 'manual'): Promise<OrderIntent | null> {
    const p = this.positions.get(a.id, symbol);
    if (!p || D.isZero(p.qty)) return null;
    const rules = await this.rules(a, symbol);
    const amount = fraction >= 1 ? D.abs(p.qty) : D.floorTo(D.mul(D.abs(p.qty), D.of(fraction)), rules.step);
    if (D.isZero(amount)) return null;
    if (fraction >= 1) await this.cancelOrders({ all: true, account: a.id, symbol }).catch(() => []);
    return this.place({ account: a.id, symbol, side: D.sign(p.qty) > 0 ? 'sell' : 'buy', type: 'market', amount, reduceOnly: true, idempotencyKey: key ?? `close:${crypto.randomUUID()}` }, origin);
  }

  toPosition(a: Account, p: PositionRow): Position {
    const mark = this.lastPrice(a.source, p.symbol);
    const m = mark ?? p.avgEntry;
    return {
      accountId: p.accountId,
      symbol: p.symbol,
      qty: p.qty,
      avgEntry: D.roundTo(p.avgEntry, '0.00000001'),
      markPrice: mark,
      notional: D.abs(D.mul(p.qty, m)),
      unrealizedPnl: D.roundTo(unrealized(p, m), '0.00000001'),
      realizedPnl: p.realizedPnl,
      fees: p.fees,
      stopLoss: p.stopLoss,
      takeProfit: p.takeProfit,
      openedAt: p.openedAt,
      updatedAt: p.updatedAt,
    };
  }

  // ───────────────────────────── signals ─────────────────────────────

  private signalOrder(s: Signal, accountId: number): PlaceOrder {
    const limits = this.limits(accountId);
    const sz = limits.signalSizing;
    const size = sz.mode === 'riskPercent' ? { riskPercent: Number(sz.value) } : sz.mode === 'equityPercent' ? { equityPercent: Number(sz.value) } : { quoteAmount: sz.value };
    return {
      account: accountId,
      symbol: s.symbol,
      side: s.side,
      type: 'market',
      ...size,
      stopLoss: D.of(s.stopLoss),
      takeProfit: D.of(s.takeProfit),
      idempotencyKey: `signal:${s.id}`,
      signalId: s.id,
    };
  }

  /** Autopilot: one intent per autopilot signal, keyed by the signal id. */
  private onSignal(s: Signal): void {
    if (!s || typeof s.id !== 'number' || !s.autopilot || s.status === 'rejected') return;
    const a = this.account();
    void this.place(this.signalOrder(s, a.id), 'autopilot').catch((e: unknown) => console.error('[orders] autopilot intent failed:', e));
  }

  async executeSignal(id: number, account?: number): Promise<SignalExecution> {
    const s = this.signals.get(id);
    if (!s) return { signalId: id, intent: null, reasonCode: 'SIGNAL_NOT_FOUND', reasonMessage: `signal ${id} does not exist` };
    const a = this.account(account);
    const intent = await this.place(this.signalOrder(s, a.id), 'signal');
    return { signalId: id, intent, reasonCode: intent.reasonCode ?? 'EXEC_ORDER_PLACED', reasonMessage: intent.reasonMessage ?? '' };
  }

  // ───────────────────────────── diagnostics ─────────────────────────────

  invariants(hours: number): InvariantsReport {
    const now = this.opts.now();
    const since = now - hours * 3_600_000;
    // Signals carry wall-clock stamps, intents engine-clock ones: each is windowed on its own clock.
    const audit = this.signals.audit(this.opts.wallNow() - hours * 3_600_000);
    const c = this.intents.counts(since);
    const violations: InvariantsReport['violations'] = [];
    for (const id of audit.dangling) violations.push({ invariant: 1, kind: 'intent_without_signal', ref: `intent:${id}`, message: `intent ${id} refers to a signal that was never persisted` });
    for (const id of audit.missing) violations.push({ invariant: 2, kind: 'missing_intent', ref: `signal:${id}`, message: `autopilot signal ${id} has no order intent` });
    // An intent still being worked on (in flight: sending, retrying) is not a violation yet; the
    // 30 s grace is engine time, which at high sim speeds is a fraction of a wall second.
    const busy = new Set([...this.inflight.keys()]);
    for (const id of this.intents.nullDecisionIds(since, now - 30_000)) {
      if (busy.has(this.intents.get(id)?.idempotencyKey ?? '')) continue;
      violations.push({ invariant: 3, kind: 'null_decision', ref: `intent:${id}`, message: `intent ${id} has no decision after 30 s` });
    }
    let failedWithout = 0;
    for (const id of this.intents.failedIds(since)) {
      if (!this.notifications.existsFor('intent', String(id))) {
        failedWithout++;
        violations.push({ invariant: 4, kind: 'failed_without_notification', ref: `intent:${id}`, message: `FAILED intent ${id} was never notified` });
      }
    }
    return {
      hours,
      since,
      counts: { signals: audit.signals, intents: c.intents, executed: c.executed, failed: c.failed, skipped: c.skipped, missing_intent: audit.missing.length, null_decisions: c.nullDecisions, failed_without_notification: failedWithout },
      violations,
      pass: violations.length === 0,
    };
  }

  status(): OrdersStatus {
    return {
      killSwitch: this.killSwitch(),
      defaultAccountId: this.accounts.defaultId() ?? 0,
      accounts: this.accounts.list().map((a) => ({ id: a.id, name: a.name, kind: a.kind, liveEnabled: a.liveEnabled, equity: D.roundTo(this.valuation(a).equity, '0.01'), stage: this.stageOf(a.id).stage })),
      reconciled: this.reconciledFlag,
    };
  }

  private publishStatus(): void {
    try {
      this.ctx.bus.publish('orders.status', this.status());
    } catch (e) {
      console.error('[orders] status failed:', e);
    }
  }

  // ───────────────────────────── contract ─────────────────────────────

  readonly handlers: Partial<Handlers> = {
    'accounts.list': () => this.accounts.list(),
    'accounts.create': (i) => {
      if (i.kind === 'live' && (!i.apiKey || !i.secret)) throw new ApiError('BAD_INPUT', 'A live account needs apiKey and secret', { fields: ['apiKey', 'secret'] });
      const exchange = i.kind === 'live' ? (i.exchange ?? 'binance') : null;
      const a = this.accounts.insert(
        {
          name: i.name,
          kind: i.kind,
          exchange,
          source: i.source ?? (i.kind === 'live' ? exchange! : 'sim'),
          quoteCurrency: i.quoteCurrency ?? 'USDT',
          makerFeeBps: i.makerFeeBps ?? (i.kind === 'paper' ? 8 : 10),
          takerFeeBps: i.takerFeeBps ?? 10,
          slippageBps: i.slippageBps ?? 5,
          startingBalance: D.of(i.startingBalance ?? (i.kind === 'paper' ? '10000' : '0')),
          keysEnc: i.apiKey && i.secret ? this.secrets().seal(JSON.stringify({ apiKey: i.apiKey, secret: i.secret })) : null,
          urls: i.urls ?? null,
          isDefault: false,
        },
        this.opts.now(),
      );
      this.publishStatus();
      return a;
    },
    'accounts.update': (i) => {
      const a = this.account(i.id);
      const patch: AccountPatch = {};
      if (i.name !== undefined) patch.name = i.name;
      if (i.makerFeeBps !== undefined) patch.makerFeeBps = i.makerFeeBps;
      if (i.takerFeeBps !== undefined) patch.takerFeeBps = i.takerFeeBps;
      if (i.slippageBps !== undefined) patch.slippageBps = i.slippageBps;
      if (i.urls !== undefined) patch.urls = i.urls;
      if (i.apiKey !== undefined || i.secret !== undefined) {
        if (!i.apiKey || !i.secret) throw new ApiError('BAD_INPUT', 'Give apiKey and secret together', { fields: ['apiKey', 'secret'] });
        patch.keysEnc = this.secrets().seal(JSON.stringify({ apiKey: i.apiKey, secret: i.secret }));
      }
      if (i.liveEnabled !== undefined) {
        if (a.kind !== 'live' && i.liveEnabled) throw new ApiError('UNPROCESSABLE', 'A paper account cannot be enabled for live trading');
        if (i.liveEnabled && i.confirm !== LIVE_CONFIRMATION) {
          throw new ApiError('UNPROCESSABLE', `Enabling live trading needs confirm: "${LIVE_CONFIRMATION}"`, { confirm: LIVE_CONFIRMATION });
        }
        if (i.liveEnabled && !a.hasKeys && patch.keysEnc === undefined) throw new ApiError('UNPROCESSABLE', 'Add API keys before enabling live trading');
        patch.liveEnabled = i.liveEnabled;
      }
      this.accounts.update(a.id, patch, this.opts.now());
      if (i.isDefault) this.accounts.setDefault(a.id, this.opts.now());
      this.live.delete(a.id);
      this.publishStatus();
      return this.account(a.id);
    },
    'orders.place': (i) => this.place(i, 'manual'),
    'orders.list': (q) => this.orders.list(q),
    'orders.intents': (q) => this.intents.list(q),
    'orders.fills': (q) => this.fills.list(q),
    'orders.cancel': async (q) => ({ canceled: await this.cancelOrders(q) }),
    'orders.market': async ({ account, symbol }) => this.rules(this.account(account), symbol),
    'orders.status': () => this.status(),
    'positions.list': ({ account }) => {
      const accts = account === undefined ? this.accounts.list() : [this.account(account)];
      return accts.flatMap((a) => this.positions.list(a.id).map((p) => this.toPosition(a, p)));
    },
    'positions.close': ({ account, symbol, fraction, idempotencyKey }) => this.closePosition(this.account(account), symbol, fraction ?? 1, idempotencyKey),
    'positions.equity': ({ account, since, limit }): EquitySnapshot[] => this.equity.list(this.account(account).id, since ?? 0, limit ?? 2000),
    'risk.get': ({ account }) => {
      const a = this.account(account);
      return { limits: this.limits(a.id), state: this.riskState(a) };
    },
    'risk.update': ({ account, limits }) => {
      const a = this.account(account);
      const next = { ...this.limits(a.id), ...limits };
      this.accounts.update(a.id, { risk: next }, this.opts.now());
      return { limits: next, state: this.riskState(a) };
    },
    'system.killSwitch': ({ on, reason, cancelOpen }) => this.setKillSwitch(on, reason, cancelOpen),
    'diagnostics.invariants': ({ hours }) => this.invariants(hours),
    'signals.execute': ({ id, account }) => this.executeSignal(id, account),
  };
}

function monthStart(ts: number): number {
  const d = new Date(ts);
  const m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return ts - m > MONTH_MS_GUARD ? ts : m;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
