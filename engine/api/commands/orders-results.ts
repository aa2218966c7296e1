/** What the orders area's commands answer: accounts, intents, orders, fills, positions, round trips, risk, previews. */
import type { ReasonCode, Decision, OrderType, OrderSide, OrderStatus, OrderRole, IntentOrigin, IntentStatus } from './orders';

export interface Account {
  id: number;
  name: string;
  kind: 'paper' | 'live';
  /** ccxt exchange id for live accounts (binance); the market source for paper prices. */
  exchange: string | null;
  source: string;
  quoteCurrency: string;
  makerFeeBps: number;
  takerFeeBps: number;
  slippageBps: number;
  startingBalance: string;
  cash: string;
  liveEnabled: boolean;
  isDefault: boolean;
  hasKeys: boolean;
  /** API base URL overrides (testnets, proxies, fake exchanges in tests). */
  urls: Record<string, string> | null;
  createdAt: number;
}

export interface RiskLimits {
  /** Max notional (quote) of one position after the order. */
  maxPositionNotional: string;
  maxOpenPositions: number;
  /** Max exposure on one symbol, % of equity. */
  maxSymbolExposurePct: number;
  /** New entries stop when today's loss exceeds this % of the day's starting equity. */
  dailyLossLimitPct: number;
  /** Drawdown from the month's equity peak: pause at 1×, halve positions at 1.5×, close all at 2×. */
  maxDrawdownPct: number;
  /** Default size for signal executions. */
  signalSizing: { mode: 'riskPercent' | 'equityPercent' | 'quoteAmount'; value: string };
  /** The drawdown limit while a portfolio_value goal is at ≥ 90 % of its target. */
  protectiveDrawdownPct: number;
  /** Goal-aware sizing of signal orders; on by default for paper, off for live. */
  goalSizing: { enabled: boolean; min: number; max: number };
  /** Executing a signal by hand asks for confirmation when price moved from its entry by more than this %. */
  priceMoveTolerancePct: number;
}

export type RiskStage = 'normal' | 'paused' | 'reduced' | 'closed';
export interface RiskState {
  accountId: number;
  equity: string;
  monthPeak: string;
  drawdownPct: number;
  dayStartEquity: string;
  dailyPnlPct: number;
  stage: RiskStage;
}

export interface OrderIntent {
  id: number;
  idempotencyKey: string;
  accountId: number;
  signalId: number | null;
  origin: IntentOrigin;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  /** Resolved amount (base) after sizing, when known. */
  amount: string | null;
  price: string | null;
  stopPrice: string | null;
  stopLoss: string | null;
  takeProfit: string | null;
  clientOrderId: string;
  status: IntentStatus;
  decision: Decision | null;
  reasonCode: ReasonCode | null;
  reasonMessage: string | null;
  exchangeError: string | null;
  orderId: number | null;
  createdAt: number;
  decidedAt: number | null;
  /** Goal-aware sizing factor applied to a signal order's size (null for other orders), and why. */
  sizingFactor: number | null;
  sizingReason: string | null;
  /** True on a repeated key: this is the first intent, nothing new was placed. */
  duplicate?: boolean;
}

export interface Order {
  id: number;
  intentId: number | null;
  accountId: number;
  clientOrderId: string;
  exchangeOrderId: string | null;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  role: OrderRole;
  amount: string;
  price: string | null;
  stopPrice: string | null;
  status: OrderStatus;
  triggered: boolean;
  filled: string;
  avgPrice: string | null;
  fee: string;
  ocoGroup: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Fill {
  id: number;
  orderId: number;
  accountId: number;
  symbol: string;
  side: OrderSide;
  amount: string;
  price: string;
  fee: string;
  realizedPnl: string;
  ts: number;
}

export interface Position {
  accountId: number;
  symbol: string;
  /** Signed base quantity: > 0 long, < 0 short. */
  qty: string;
  avgEntry: string;
  markPrice: string | null;
  notional: string;
  unrealizedPnl: string;
  realizedPnl: string;
  fees: string;
  stopLoss: string | null;
  takeProfit: string | null;
  openedAt: number;
  updatedAt: number;
}

/** A closed round trip: a position from leaving zero to returning to it. Decimals are exact strings. */
export interface RoundTrip {
  accountId: number;
  symbol: string;
  side: 'long' | 'short';
  /** Base amount opened (and closed). */
  amount: string;
  /** Average entry and exit prices. */
  entryPrice: string;
  exitPrice: string;
  /** Realized P&L before fees, and the fees paid on every fill of the trip. */
  realizedPnl: string;
  fees: string;
  /** realizedPnl − fees. */
  netPnl: string;
  openedAt: number;
  closedAt: number;
  durationMs: number;
  /** The signal whose execution opened the trip, when one did. */
  signalId: number | null;
}

export interface EquitySnapshot {
  accountId: number;
  ts: number;
  equity: string;
  cash: string;
  unrealizedPnl: string;
}

export interface MarketRules {
  symbol: string;
  tick: string;
  step: string;
  minAmount: string;
  minNotional: string;
  last: string | null;
  makerFeeBps: number;
  takerFeeBps: number;
}

export interface KillSwitchState {
  on: boolean;
  reason: string | null;
  at: number | null;
}

export interface OrdersStatus {
  killSwitch: KillSwitchState;
  defaultAccountId: number;
  accounts: Array<{ id: number; name: string; kind: 'paper' | 'live'; liveEnabled: boolean; equity: string; stage: RiskStage }>;
  reconciled: boolean;
}

export interface InvariantsReport {
  hours: number;
  since: number;
  counts: {
    signals: number;
    intents: number;
    executed: number;
    failed: number;
    skipped: number;
    missing_intent: number;
    null_decisions: number;
    failed_without_notification: number;
  };
  violations: Array<{ invariant: 1 | 2 | 3 | 4; kind: string; ref: string; message: string }>;
  pass: boolean;
}

/** What Execute would do for a signal, computed by the same sizing code as the execution. */
export interface SignalPreview {
  signalId: number;
  accountId: number;
  symbol: string;
  side: OrderSide;
  /** The signal's entry, stop and target. */
  entry: string;
  stopLoss: string;
  takeProfit: string;
  /** The price Execute would be valued at now (last price), and its move from the entry in %. */
  price: string | null;
  movePct: number | null;
  tolerancePct: number;
  /** The move is beyond the tolerance: Execute asks for confirmation showing it. */
  needsConfirmation: boolean;
  /** Sizing succeeded; when not, reasonCode and message say why Execute would be refused. */
  ok: boolean;
  amount: string | null;
  notional: string | null;
  equity: string;
  equityPct: number | null;
  /** Loss if the stop is hit: amount × |price − stop|, and that as % of equity. */
  riskToStop: string | null;
  riskPct: number | null;
  /** The sizing rule in words: "risk 0.5 % of equity to the stop". */
  rule: string;
  /** The size was cut to the max position notional (or symbol exposure) limit. */
  capped: boolean;
  capNote: string | null;
  /** Why Execute would be refused (SIGNAL_NOT_FOUND like signals.execute, for an unknown signal). */
  reasonCode: ReasonCode | 'SIGNAL_NOT_FOUND' | null;
  message: string | null;
  killSwitchOn: boolean;
}

export interface SignalExecution {
  signalId: number;
  intent: OrderIntent | null;
  reasonCode: ReasonCode | 'SIGNAL_NOT_FOUND';
  reasonMessage: string;
}
