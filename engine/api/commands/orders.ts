/**
 * Orders area: accounts, order intents with decision traces, positions and P&L, the
 * risk gate and kill switch, invariants diagnostics, and the signal execution bridge.
 * Money and quantities cross the contract as exact decimal strings ("0.05", "61234.5").
 */
import { z } from 'zod';
import { command, Empty, SourceId, SymbolSchema } from './define';

/** Canonical reason codes on every intent decision. */
export const REASON_CODES = [
  'EXEC_ORDER_PLACED',
  'EXEC_RECONCILED',
  'RISK_BLOCKED',
  'KILL_SWITCH',
  'IDEMPOTENCY_BLOCKED',
  'LIVE_NOT_ENABLED',
  'NO_PRICE',
  'SIZING_FAILED',
  'SIGNAL_EXPIRED',
  'AUTHENTICATION_ERROR',
  'INSUFFICIENT_FUNDS',
  'RATE_LIMIT',
  'TIMEOUT',
  'MIN_NOTIONAL_NOT_MET',
  'INVALID_ORDER',
  'EXCHANGE_REJECTED',
  'NETWORK_ERROR',
  'EXCHANGE_ERROR_UNKNOWN',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
export type Decision = 'EXECUTED' | 'FAILED' | 'SKIPPED';

export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
export type OrderSide = 'buy' | 'sell';
export type OrderStatus = 'open' | 'filled' | 'canceled' | 'rejected';
export type OrderRole = 'entry' | 'stop' | 'target' | 'exit';
export type IntentOrigin = 'manual' | 'autopilot' | 'signal' | 'oco' | 'risk';
export type IntentStatus = 'accepted' | 'sending' | 'done';

/** A decimal string: digits, optional sign and fraction ("0.05", "61234.5"). */
export const DecimalString = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .refine((v) => /^-?\d+(\.\d+)?$/.test(v), 'a decimal number like 0.05');
const PositiveDecimal = DecimalString.refine((v) => Number(v) > 0, 'must be greater than 0');
const NonNegDecimal = DecimalString.refine((v) => Number(v) >= 0, 'must be 0 or more');

export * from './orders-results';
import type { Account, EquitySnapshot, InvariantsReport, KillSwitchState, MarketRules, Order, OrderIntent, OrdersStatus, Fill, Position, RiskLimits, RiskState, RoundTrip, SignalExecution, SignalPreview } from './orders-results';

const AccountRef = z.number().int().positive().optional();
const Urls = z.record(z.string().regex(/^[a-zA-Z0-9]+$/), z.url()).optional();

export const PlaceOrderInput = z
  .object({
    account: AccountRef,
    symbol: SymbolSchema,
    side: z.enum(['buy', 'sell']),
    type: z.enum(ORDER_TYPES).default('market'),
    amount: PositiveDecimal.optional(),
    quoteAmount: PositiveDecimal.optional(),
    equityPercent: z.number().gt(0).max(100).optional(),
    riskPercent: z.number().gt(0).max(100).optional(),
    price: PositiveDecimal.optional(),
    stopPrice: PositiveDecimal.optional(),
    stopLoss: PositiveDecimal.optional(),
    takeProfit: PositiveDecimal.optional(),
    reduceOnly: z.boolean().optional(),
    idempotencyKey: z.string().min(1).max(128).regex(/^[\w:.\-]+$/, 'letters, digits and _ : . -').optional(),
    signalId: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const sizes = [v.amount, v.quoteAmount, v.equityPercent, v.riskPercent].filter((x) => x !== undefined).length;
    if (sizes !== 1) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'give exactly one of amount, quoteAmount, equityPercent, riskPercent' });
    if ((v.type === 'limit' || v.type === 'stop_limit') && v.price === undefined) ctx.addIssue({ code: 'custom', path: ['price'], message: `a ${v.type} order needs price` });
    if ((v.type === 'stop' || v.type === 'stop_limit') && v.stopPrice === undefined) ctx.addIssue({ code: 'custom', path: ['stopPrice'], message: `a ${v.type} order needs stopPrice` });
    if (v.riskPercent !== undefined && v.stopLoss === undefined) ctx.addIssue({ code: 'custom', path: ['stopLoss'], message: 'risk-based sizing needs stopLoss' });
  });
export type PlaceOrder = z.output<typeof PlaceOrderInput>;

const RiskLimitsPatch = z
  .object({
    maxPositionNotional: PositiveDecimal.optional(),
    maxOpenPositions: z.number().int().min(1).max(1000).optional(),
    maxSymbolExposurePct: z.number().gt(0).max(1000).optional(),
    dailyLossLimitPct: z.number().gt(0).max(100).optional(),
    maxDrawdownPct: z.number().gt(0).max(50).optional(),
    signalSizing: z.object({ mode: z.enum(['riskPercent', 'equityPercent', 'quoteAmount']), value: PositiveDecimal }).strict().optional(),
    protectiveDrawdownPct: z.number().gt(0).max(50).optional(),
    goalSizing: z
      .object({ enabled: z.boolean(), min: z.number().min(0.5).max(1.3).default(0.5), max: z.number().min(0.5).max(1.3).default(1.3) })
      .strict()
      .refine((v) => v.min <= v.max, { message: 'min must not exceed max', path: ['min'] })
      .optional(),
    priceMoveTolerancePct: z.number().min(0).max(100).optional(),
  })
  .strict();

export const LIVE_CONFIRMATION = 'I understand this account trades real money';

export const ordersCommands = {
  'accounts.list': command<Account[]>()('Trading accounts (paper and live). Keys are never returned.', Empty),
  'accounts.create': command<Account>()(
    'Creates a paper account (starting balance, fees, slippage) or a live ccxt account (keys encrypted at rest; trading stays disabled until enabled and confirmed).',
    z
      .object({
        name: z.string().min(1).max(64),
        kind: z.enum(['paper', 'live']),
        exchange: z.string().regex(/^[a-z0-9]+$/).optional(),
        source: SourceId.optional(),
        quoteCurrency: z.string().regex(/^[A-Z0-9]{2,10}$/).optional(),
        startingBalance: NonNegDecimal.optional(),
        makerFeeBps: z.number().min(0).max(100).optional(),
        takerFeeBps: z.number().min(0).max(100).optional(),
        slippageBps: z.number().min(0).max(500).optional(),
        apiKey: z.string().min(1).max(256).optional(),
        secret: z.string().min(1).max(256).optional(),
        urls: Urls,
      })
      .strict(),
  ),
  'accounts.update': command<Account>()(
    'Updates an account. Enabling live trading needs `confirm` set to the exact confirmation text.',
    z
      .object({
        id: z.number().int().positive(),
        name: z.string().min(1).max(64).optional(),
        makerFeeBps: z.number().min(0).max(100).optional(),
        takerFeeBps: z.number().min(0).max(100).optional(),
        slippageBps: z.number().min(0).max(500).optional(),
        liveEnabled: z.boolean().optional(),
        confirm: z.string().max(128).optional(),
        isDefault: z.boolean().optional(),
        apiKey: z.string().min(1).max(256).optional(),
        secret: z.string().min(1).max(256).optional(),
        urls: Urls,
      })
      .strict(),
  ),
  'orders.place': command<OrderIntent>()(
    'Places an order intent: persisted under its idempotency key before anything is sent; the same key again returns the first intent. Always ends with a decision and reason.',
    PlaceOrderInput,
  ),
  'orders.list': command<Order[]>()(
    'Orders, newest first.',
    z
      .object({
        account: AccountRef,
        status: z.enum(['open', 'filled', 'canceled', 'rejected']).optional(),
        symbol: SymbolSchema.optional(),
        since: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
  ),
  'orders.intents': command<OrderIntent[]>()(
    'Order intents with their decisions, newest first.',
    z
      .object({
        account: AccountRef,
        decision: z.enum(['EXECUTED', 'FAILED', 'SKIPPED']).optional(),
        key: z.string().min(1).max(128).optional(),
        since: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
  ),
  'orders.cancel': command<{ canceled: number[] }>()(
    'Cancels one open order (id) or every open order (all, optionally of one account/symbol).',
    z
      .object({ id: z.number().int().positive().optional(), all: z.boolean().optional(), account: AccountRef, symbol: SymbolSchema.optional() })
      .strict()
      .refine((v) => v.id !== undefined || v.all === true, 'give id, or all: true'),
  ),
  'orders.fills': command<Fill[]>()(
    'Fills, newest first.',
    z.object({ account: AccountRef, symbol: SymbolSchema.optional(), since: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(5000).optional() }).strict(),
  ),
  'orders.market': command<MarketRules>()(
    'Tick size, amount step, minimums, last price and fees for a symbol on an account.',
    z.object({ account: AccountRef, symbol: SymbolSchema }).strict(),
  ),
  'orders.status': command<OrdersStatus>()('Kill switch, accounts (paper/live, equity, risk stage) and whether start-up reconciliation finished.', Empty),
  'positions.list': command<Position[]>()('Open positions with mark price and P&L.', z.object({ account: AccountRef }).strict()),
  'positions.close': command<OrderIntent | null>()(
    'Closes a position (or a fraction of it) with a market order; null when there is no position.',
    z.object({ account: AccountRef, symbol: SymbolSchema, fraction: z.number().gt(0).max(1).optional(), idempotencyKey: z.string().min(1).max(128).optional() }).strict(),
  ),
  'positions.closeAll': command<{ intents: OrderIntent[] }>()(
    'Flatten all: closes every open position of the account (every account when none is given) with reduce-only market orders. Runs while the kill switch is on.',
    z.object({ account: AccountRef }).strict(),
  ),
  'positions.history': command<RoundTrip[]>()(
    'Closed round trips (newest first): entry, exit, amount, realized P&L, fees, duration and the signal that opened each. since filters by the close time.',
    z.object({ account: AccountRef, symbol: SymbolSchema.optional(), since: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(5000).optional() }).strict(),
  ),
  'positions.equity': command<EquitySnapshot[]>()(
    'Equity history snapshots (ascending).',
    z.object({ account: AccountRef, since: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(10000).optional() }).strict(),
  ),
  'risk.get': command<{ limits: RiskLimits; state: RiskState }>()('Risk limits and the current drawdown stage of an account.', z.object({ account: AccountRef }).strict()),
  'risk.update': command<{ limits: RiskLimits; state: RiskState }>()(
    'Changes risk limits of an account. Turning goalSizing on for a live account needs `confirm` set to the exact goal sizing confirmation text.',
    z.object({ account: AccountRef, limits: RiskLimitsPatch, confirm: z.string().max(128).optional() }).strict(),
  ),
  'system.killSwitch': command<KillSwitchState & { canceled: number }>()(
    'Stops every new entry and anything adding exposure at once (persisted, survives restarts); closes, stop / target legs, drawdown reductions and positions.closeAll still run. cancelOpen cancels open entry orders (stop and target legs stay).',
    z.object({ on: z.boolean(), reason: z.string().max(500).optional(), cancelOpen: z.boolean().optional() }).strict(),
  ),
  'diagnostics.invariants': command<InvariantsReport>()(
    'Checks the signal-to-order invariants over the last hours: every autopilot signal has an intent, every intent a decision, every failure a notification.',
    z.object({ hours: z.number().gt(0).max(24 * 366).default(24) }).strict(),
  ),
  'signals.preview': command<SignalPreview>()(
    "What Execute would do for a signal now: amount, notional, % of equity, risk to the stop, the sizing rule, whether the size is cut to the limits, and the price's move from the signal's entry (confirmation needed beyond the account's tolerance).",
    z.object({ id: z.number().int().positive(), account: AccountRef }).strict(),
  ),
  'signals.execute': command<SignalExecution>()(
    "Executes a signal by hand (Signals view, popup action): one intent keyed by the signal id, with the signal's stop and target attached.",
    z.object({ id: z.number().int().positive(), account: AccountRef }).strict(),
  ),
} as const;

export interface OrdersEvents {
  'order.intent': OrderIntent;
  'order.updated': Order;
  'order.fill': Fill;
  'position.updated': Position;
  'orders.status': OrdersStatus;
}
export const ORDERS_TOPICS = ['order.intent', 'order.updated', 'order.fill', 'position.updated', 'orders.status'] as const satisfies readonly (keyof OrdersEvents)[];
