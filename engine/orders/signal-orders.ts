/** Signals to orders: the order a signal asks for (sized by the account's signal sizing), by hand or on autopilot. */
import type { PlaceOrder, SignalExecution, SignalPreview } from '../api/contract';
import type { Signal } from '../api/commands/signals';
import { D } from './decimal';
import { pct } from './risk';
import { planSize, sizeRule } from './sizing';
import type { OrdersModule } from './module';

export interface GoalSizing {
  factor: number;
  reason: string;
}

/** The signal's order, sized by the account's signal sizing times the goal-aware factor (recorded on the intent). */
export function sizedSignalOrder(m: OrdersModule, s: Signal, accountId: number): { req: PlaceOrder; sizing?: GoalSizing } {
  const limits = m.limits(accountId);
  const sizing = m.hooks.sizingFactor?.(accountId);
  const sz = { ...limits.signalSizing, value: D.roundTo(D.mul(limits.signalSizing.value, D.of(sizing?.factor ?? 1)), '0.00000001') };
  const size = sz.mode === 'riskPercent' ? { riskPercent: Number(sz.value) } : sz.mode === 'equityPercent' ? { equityPercent: Number(sz.value) } : { quoteAmount: sz.value };
  const req: PlaceOrder = {
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
  return { req, sizing };
}

export function signalOrder(m: OrdersModule, s: Signal, accountId: number): PlaceOrder {
  return sizedSignalOrder(m, s, accountId).req;
}

/** Autopilot: one intent per autopilot signal, keyed by the signal id. */
export function onSignal(m: OrdersModule, s: Signal): void {
  if (!s || typeof s.id !== 'number' || !s.autopilot || s.status === 'rejected') return;
  const a = m.account();
  const o = sizedSignalOrder(m, s, a.id);
  void m.place(o.req, 'autopilot', o.sizing).catch((e: unknown) => console.error('[orders] autopilot intent failed:', e));
}

export async function executeSignal(m: OrdersModule, id: number, account?: number): Promise<SignalExecution> {
  const s = m.signals.get(id);
  if (!s) return { signalId: id, intent: null, reasonCode: 'SIGNAL_NOT_FOUND', reasonMessage: `signal ${id} does not exist` };
  const a = m.account(account);
  const o = sizedSignalOrder(m, s, a.id);
  const intent = await m.place(o.req, 'signal', o.sizing);
  return { signalId: id, intent, reasonCode: intent.reasonCode ?? 'EXEC_ORDER_PLACED', reasonMessage: intent.reasonMessage ?? '' };
}

/**
 * What Execute would do now, by the same sizing as the execution (planSize over the signal's
 * order, the last price, equity, rules and limits), and how far price moved from the entry.
 */
export async function previewSignal(m: OrdersModule, id: number, account?: number): Promise<SignalPreview> {
  const a = m.account(account);
  const s = m.signals.get(id);
  // Like signals.execute: an unknown signal is an answer (Execute would be refused), not an error.
  if (!s) return notFound(m, id, a.id);
  const { req, sizing } = sizedSignalOrder(m, s, a.id);
  const limits = m.limits(a.id);
  const rules = await m.rules(a, s.symbol);
  const { equity } = m.valuation(a);
  const size = { amount: req.amount, quoteAmount: req.quoteAmount, equityPercent: req.equityPercent, riskPercent: req.riskPercent, stopLoss: req.stopLoss };
  const base = {
    signalId: s.id,
    accountId: a.id,
    symbol: s.symbol,
    side: s.side,
    entry: D.of(s.entry),
    stopLoss: D.of(s.stopLoss),
    takeProfit: D.of(s.takeProfit),
    tolerancePct: limits.priceMoveTolerancePct,
    equity: D.roundTo(equity, '0.01'),
    // The goal-aware factor, when it changed the size, is said with its reason (goals.sizing).
    rule: sizing && sizing.factor !== 1 ? `${sizeRule(size)} — goal sizing ${sizing.reason}` : sizeRule(size),
    killSwitchOn: m.killSwitch().on,
  };
  const price = rules.last;
  if (!price) {
    return { ...base, price: null, movePct: null, needsConfirmation: false, ok: false, amount: null, notional: null, equityPct: null, riskToStop: null, riskPct: null, capped: false, capNote: null, reasonCode: 'NO_PRICE', message: `no price for ${s.symbol} on ${a.source} yet` };
  }
  const movePct = pct(D.sub(price, base.entry), base.entry);
  const needsConfirmation = Math.abs(movePct) > limits.priceMoveTolerancePct;
  const plan = planSize({ size, side: s.side, price, equity, qtyBefore: m.positions.get(a.id, s.symbol)?.qty ?? '0', rules, limits, capToLimits: true });
  if (!plan.ok) {
    return { ...base, price, movePct, needsConfirmation, ok: false, amount: null, notional: null, equityPct: null, riskToStop: null, riskPct: null, capped: false, capNote: null, reasonCode: plan.code, message: plan.message };
  }
  const risk = D.mul(plan.amount, D.abs(D.sub(price, base.stopLoss)));
  return {
    ...base,
    price,
    movePct,
    needsConfirmation,
    ok: true,
    amount: plan.amount,
    notional: D.roundTo(plan.notional, '0.01'),
    equityPct: pct(plan.notional, equity),
    riskToStop: D.roundTo(risk, '0.01'),
    riskPct: pct(risk, equity),
    capped: plan.capped,
    capNote: plan.capped ? `cut to the max position notional (from ${plan.uncappedAmount} to ${plan.amount})` : null,
    reasonCode: null,
    message: null,
  };
}

function notFound(m: OrdersModule, id: number, accountId: number): SignalPreview {
  const limits = m.limits(accountId);
  return {
    signalId: id,
    accountId,
    symbol: '',
    side: 'buy',
    entry: '0',
    stopLoss: '0',
    takeProfit: '0',
    price: null,
    movePct: null,
    tolerancePct: limits.priceMoveTolerancePct,
    needsConfirmation: false,
    ok: false,
    amount: null,
    notional: null,
    equity: D.roundTo(m.valuation(m.account(accountId)).equity, '0.01'),
    equityPct: null,
    riskToStop: null,
    riskPct: null,
    rule: '',
    capped: false,
    capNote: null,
    reasonCode: 'SIGNAL_NOT_FOUND',
    message: `signal ${id} does not exist`,
    killSwitchOn: m.killSwitch().on,
  };
}
