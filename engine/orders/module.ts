/**
 * The order engine. One signal or one keypress becomes at most one order:
 *
 *   orders.place → intent persisted under its UNIQUE idempotency key (status accepted)
 *     → the gates of execute.ts (kill switch, live enabled, market, size, risk, funds)
 *     → status sending (persisted, with the client order id) → broker → decision.
 *
 * Every intent ends EXECUTED | FAILED | SKIPPED with a canonical reason code; every FAILED one
 * raises a notification (refType 'intent'). On start-up, intents left accepted or sending by a
 * crash are reconciled with the broker by client order id before anything new is placed
 * (reconcile.ts). The parts: book.ts (matching, fills, OCO legs), live-orders.ts, drawdown.ts,
 * accounts-admin.ts, close.ts (cancel and close), diagnostics.ts, signal-orders.ts, handlers.ts.
 */
import crypto from 'node:crypto';
import { ApiError } from '../api/errors';
import { bucketStart } from '../api/timeframes';
import type {
  Account,
  CandleEvent,
  IntentOrigin,
  KillSwitchState,
  MarketRules,
  OrderIntent,
  OrdersStatus,
  PlaceOrder,
  Position,
  RiskLimits,
  RiskState,
} from '../api/contract';
import type { Signal } from '../api/commands/signals';
import { CandlesRepo } from '../../db/repos/candles';
import { NotificationsRepo } from '../../db/repos/notifications';
import { SettingsRepo } from '../../db/repos/settings';
import { AccountsRepo } from '../../db/repos/accounts';
import { EquityRepo } from '../../db/repos/equity';
import { FillsRepo } from '../../db/repos/fills';
import { IntentsRepo } from '../../db/repos/intents';
import { OrdersRepo } from '../../db/repos/orders';
import { PositionsRepo, type PositionRow } from '../../db/repos/positions';
import { OrderSignalsReader } from '../../db/repos/order-signals';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { NotifyModule } from '../notify/module';
import { seedDefaultAccount } from './accounts-admin';
import { cancelOrders, closeAll, closePosition, toPosition, type CancelQuery } from './close';
import { Book } from './book';
import { D, type Dec } from './decimal';
import { Drawdown } from './drawdown';
import { execute, Final, type Outcome } from './execute';
import { ordersHandlers } from './handlers';
import { equityOf } from './ledger';
import { LiveBroker } from './live';
import { LiveOrders } from './live-orders';
import { mapExchangeError } from './reasons';
import { reconcile, recoverSignals } from './reconcile';
import { DEFAULT_LIMITS } from './risk';
import { SecretBox } from '../secrets/secret-box';
import { DEFAULT_OPTIONS, type OrdersHooks, type OrdersOptions } from './options';
import { onSignal, type GoalSizing } from './signal-orders';
import { paperRules } from './sizing';

export type { OrdersHooks, OrdersOptions } from './options';

const KILL_KEY = 'orders.killSwitch';

/** The client order id sent to the exchange: derived from the idempotency key, so it never changes. */
export function clientOrderIdFor(key: string): string {
  return 'sd' + crypto.createHash('sha256').update(key).digest('hex').slice(0, 30);
}

export class OrdersModule implements EngineModule {
  readonly name = 'orders';
  readonly accounts: AccountsRepo;
  readonly intents: IntentsRepo;
  readonly orders: OrdersRepo;
  readonly fills: FillsRepo;
  readonly positions: PositionsRepo;
  readonly equity: EquityRepo;
  readonly settings: SettingsRepo;
  readonly notifications: NotificationsRepo;
  readonly signals: OrderSignalsReader;
  readonly opts: OrdersOptions;
  readonly book: Book;
  readonly live: LiveOrders;
  readonly drawdown: Drawdown;
  /** Intents being worked on, by idempotency key. */
  readonly inflight = new Map<string, Promise<OrderIntent>>();
  readonly handlers: Partial<Handlers>;
  private readonly candles: CandlesRepo;
  private box: SecretBox | null = null;
  private readonly last = new Map<string, Dec>();
  private readonly brokers = new Map<number, LiveBroker>();
  private readonly unsubs: Array<() => void> = [];
  hooks: OrdersHooks = {};
  private pollTimer: NodeJS.Timeout | null = null;
  private lastSnapshotMinute = 0;
  private reconciledFlag = false;
  /** Resolves once start-up reconciliation is done; nothing new is placed before. */
  ready: Promise<void> = Promise.resolve();

  constructor(
    readonly ctx: EngineContext,
    readonly notify: NotifyModule,
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
    this.book = new Book(this);
    this.live = new LiveOrders(this);
    this.drawdown = new Drawdown(this, (a, symbol, fraction, key, origin) => this.closePosition(a, symbol, fraction, key, origin));
    this.handlers = ordersHandlers(this);
    seedDefaultAccount(this);
  }

  now(): number {
    return this.opts.now();
  }

  // ───────────────────────────── lifecycle ─────────────────────────────

  start(): void {
    this.unsubs.push(this.ctx.bus.subscribe('candle.updated', (e) => this.onCandle(e)));
    this.unsubs.push(this.ctx.bus.subscribe('candle.closed', (e) => this.onCandle(e)));
    // signal.created belongs to the signals area; subscribe by name so this module works whether
    // or not that topic is declared in the contract.
    const subscribeAny = this.ctx.bus.subscribe.bind(this.ctx.bus) as unknown as (t: string, h: (p: unknown) => void) => () => void;
    this.unsubs.push(subscribeAny('signal.created', (p) => onSignal(this, p as Signal)));
    this.ready = reconcile(this)
      .then(() => recoverSignals(this))
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
    for (const b of this.brokers.values()) b.close();
    this.brokers.clear();
  }

  pollLive(): Promise<void> {
    return this.live.poll();
  }

  // ───────────────────────────── accounts ─────────────────────────────

  secrets(): SecretBox {
    return (this.box ??= new SecretBox(this.ctx.opts.dataDir));
  }

  account(id?: number): Account {
    const aid = id ?? this.accounts.defaultId();
    const a = aid === undefined ? undefined : this.accounts.get(aid);
    if (!a) throw new ApiError('NOT_FOUND', `Unknown account ${id}`, { account: id });
    return a;
  }

  broker(a: Account): LiveBroker {
    let b = this.brokers.get(a.id);
    if (!b) {
      const enc = this.accounts.keysEnc(a.id);
      if (!enc || !a.exchange) throw new ApiError('UNPROCESSABLE', `Account ${a.name} has no exchange keys`);
      const keys = JSON.parse(this.secrets().open(enc)) as { apiKey: string; secret: string };
      b = new LiveBroker({ exchange: a.exchange, apiKey: keys.apiKey, secret: keys.secret, urls: a.urls, timeoutMs: this.opts.liveTimeoutMs, makerFeeBps: a.makerFeeBps, takerFeeBps: a.takerFeeBps, retries: this.opts.retries, retryBaseMs: this.opts.retryBaseMs });
      this.brokers.set(a.id, b);
    }
    return b;
  }

  /** Forgets an account's broker (its keys or URLs changed). */
  dropBroker(accountId: number): void {
    this.brokers.get(accountId)?.close();
    this.brokers.delete(accountId);
  }

  limits(accountId: number): RiskLimits {
    const stored = JSON.parse(this.accounts.riskJson(accountId)) as Partial<RiskLimits>;
    const goalSizing = { ...DEFAULT_LIMITS.goalSizing, enabled: this.accounts.get(accountId)?.kind !== 'live' };
    return { ...DEFAULT_LIMITS, goalSizing, ...stored };
  }

  setHooks(hooks: OrdersHooks): void {
    this.hooks = hooks;
  }

  /** The limits the gate and the drawdown stages apply: the drawdown limit may be the goals' protective one. */
  effectiveLimits(accountId: number): RiskLimits {
    const l = this.limits(accountId);
    const dd = this.hooks.drawdownLimit?.(accountId);
    return dd === undefined ? l : { ...l, maxDrawdownPct: dd };
  }

  async rules(a: Account, symbol: string): Promise<MarketRules> {
    const last = this.lastPrice(a.source, symbol);
    if (a.kind === 'paper') return { ...paperRules(symbol, last), makerFeeBps: a.makerFeeBps, takerFeeBps: a.takerFeeBps };
    return this.broker(a).rules(symbol, last);
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
    return this.drawdown.riskState(a);
  }

  /** Records an equity snapshot and applies the drawdown stages (pause, halve, close all). */
  snapshot(a: Account, ts = bucketStart(this.ctx.clock(), '1m')): RiskState {
    const v = this.valuation(a);
    this.equity.insert({ accountId: a.id, ts, equity: v.equity, cash: a.cash, unrealizedPnl: v.unrealized });
    const st = this.riskState(a);
    this.drawdown.apply(a, st);
    return st;
  }

  private onCandle(e: CandleEvent): void {
    if (e.timeframe !== '1m') return;
    const px = D.of(e.candle[4]);
    this.last.set(`${e.source}|${e.symbol}`, px);
    try {
      this.book.matchOrders(e.source, e.symbol, px);
      const minute = bucketStart(this.ctx.clock(), '1m');
      if (minute !== this.lastSnapshotMinute) {
        this.lastSnapshotMinute = minute;
        for (const a of this.accounts.list()) this.snapshot(a, minute);
      }
    } catch (err) {
      console.error('[orders] matching failed:', err);
    }
  }

  // ───────────────────────────── kill switch ─────────────────────────────

  killSwitch(): KillSwitchState {
    return this.settings.get<KillSwitchState>(KILL_KEY) ?? { on: false, reason: null, at: null };
  }

  async setKillSwitch(on: boolean, reason: string | undefined, cancelOpen: boolean | undefined): Promise<KillSwitchState & { canceled: number }> {
    const state: KillSwitchState = { on, reason: on ? (reason ?? 'kill switch') : null, at: this.opts.now() };
    this.settings.set(KILL_KEY, state);
    let canceled = 0;
    // Open entries are cancelled; stop and target legs and other exits stay: they are the way out.
    if (on && cancelOpen) canceled = (await this.cancelOrders({ all: true, entriesOnly: true })).length;
    if (on) this.notify.notify({ kind: 'risk', severity: 'warning', title: 'Kill switch ON: no new entries', body: `${state.reason ?? ''}\nCloses, stops and targets still run.`, refType: 'killSwitch', refId: String(state.at) });
    // Released: drawdown reductions the switch held are due now.
    else for (const a of this.accounts.list()) this.drawdown.apply(a, this.riskState(a));
    this.publishStatus();
    return { ...state, canceled };
  }

  // ───────────────────────────── intents ─────────────────────────────

  /** Accepts an order: persisted under its key first; the same key again returns the first intent. */
  async place(req: PlaceOrder, origin: IntentOrigin = 'manual', sizing?: GoalSizing): Promise<OrderIntent> {
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
      sizingFactor: sizing?.factor ?? null,
      sizingReason: sizing?.reason ?? null,
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

  async process(intent: OrderIntent): Promise<OrderIntent> {
    const req = this.intents.request(intent.id) as PlaceOrder;
    let outcome: Outcome;
    try {
      outcome = await execute(this, intent, req);
    } catch (e) {
      if (e instanceof Final) outcome = e.outcome;
      else {
        const m = mapExchangeError(e);
        outcome = { decision: 'FAILED', reasonCode: m.code, reasonMessage: m.message, exchangeError: m.snippet };
      }
    }
    return this.decide(intent.id, outcome);
  }

  decide(id: number, o: Outcome): OrderIntent {
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

  // ───────────────────────────── cancel and close (close.ts) ─────────────────────────────

  cancelOrders(q: CancelQuery): Promise<number[]> {
    return cancelOrders(this, q);
  }

  closePosition(a: Account, symbol: string, fraction = 1, key?: string, origin: IntentOrigin = 'manual'): Promise<OrderIntent | null> {
    return closePosition(this, a, symbol, fraction, key, origin);
  }

  /** Flatten all: every open position of the account (or of every account) closed at market, reduce-only. */
  closeAll(account?: number): Promise<{ intents: OrderIntent[] }> {
    return closeAll(this, account);
  }

  toPosition(a: Account, p: PositionRow): Position {
    return toPosition(this, a, p);
  }

  // ───────────────────────────── status ─────────────────────────────

  status(): OrdersStatus {
    return {
      killSwitch: this.killSwitch(),
      defaultAccountId: this.accounts.defaultId() ?? 0,
      accounts: this.accounts.list().map((a) => ({ id: a.id, name: a.name, kind: a.kind, liveEnabled: a.liveEnabled, equity: D.roundTo(this.valuation(a).equity, '0.01'), stage: this.drawdown.stageOf(a.id).stage })),
      reconciled: this.reconciledFlag,
    };
  }

  publishStatus(): void {
    try {
      this.ctx.bus.publish('orders.status', this.status());
    } catch (e) {
      console.error('[orders] status failed:', e);
    }
  }
}
