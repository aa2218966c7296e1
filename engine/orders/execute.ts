/**
 * What happens to an accepted intent, as a list of gates. Each gate reads and extends one
 * context, or ends the intent with a decision (`Final`). The last step sends the order (paper
 * book or the live broker).
 *
 *   kill switch → live enabled → market (rules, price) → size → risk gate → funds → last look
 */
import type { Account, Decision, MarketRules, OrderIntent, PlaceOrder, ReasonCode } from '../api/contract';
import { D, bps, type Dec } from './decimal';
import { readable } from './reasons';
import { riskGate } from './risk';
import { planSize } from './sizing';
import type { OrdersModule } from './module';

export type Outcome = { decision: Decision; reasonCode: ReasonCode; reasonMessage: string; exchangeError?: string | null; orderId?: number | null };

export class Final extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.reasonMessage);
  }
}

export const skip = (reasonCode: ReasonCode, msg?: string): never => {
  throw new Final({ decision: 'SKIPPED', reasonCode, reasonMessage: msg ?? readable(reasonCode) });
};
export const fail = (reasonCode: ReasonCode, msg: string, snippet: string | null = null): never => {
  throw new Final({ decision: 'FAILED', reasonCode, reasonMessage: msg, exchangeError: snippet });
};

/** What the gates learn about an intent on its way out. */
export interface ExecContext {
  readonly m: OrdersModule;
  readonly intent: OrderIntent;
  readonly req: PlaceOrder;
  a: Account;
  rules: MarketRules;
  qtyBefore: Dec;
  price: Dec | null;
  stopPrice: Dec | null;
  /** The price the order is valued at: limit price, stop trigger or last. */
  ref: Dec;
  equity: Dec;
  gross: Dec;
  amount: Dec;
  qtyAfter: Dec;
  capNote: string;
  /** Set when the order passed the kill switch as reduce-only. */
  killSwitchNote: string;
}

export type Gate = (c: ExecContext) => void | Promise<void>;

/**
 * The kill switch stops new risk, never the way out: a reduce-only order (manual close, flatten
 * all, stop / target exit, drawdown reduction) passes — the size gate makes sure it only shrinks
 * a position — and everything else is refused.
 */
const killSwitchGate: Gate = (c) => {
  const ks = c.m.killSwitch();
  if (!ks.on) return;
  if (c.req.reduceOnly) {
    c.killSwitchNote = ', reduce-only, allowed while the kill switch is on';
    return;
  }
  skip('KILL_SWITCH', `kill switch is on${ks.reason ? `: ${ks.reason}` : ''}`);
};

const liveEnabledGate: Gate = (c) => {
  if (c.a.kind === 'live' && !c.a.liveEnabled) skip('LIVE_NOT_ENABLED', `live trading is not enabled on ${c.a.name}`);
};

const marketGate: Gate = async (c) => {
  const { m, a, req } = c;
  c.rules = await m.rules(a, req.symbol);
  if (a.kind === 'live') await m.live.syncCash(a);
  c.qtyBefore = m.positions.get(a.id, req.symbol)?.qty ?? '0';
  c.price = req.price ? D.roundTo(req.price, c.rules.tick) : null;
  c.stopPrice = req.stopPrice ? D.roundTo(req.stopPrice, c.rules.tick) : null;
  const ref = req.type === 'limit' || req.type === 'stop_limit' ? c.price : req.type === 'stop' ? c.stopPrice : c.rules.last;
  if (!ref) skip('NO_PRICE', `no price for ${req.symbol} on ${a.source} yet`);
  c.ref = ref!;
  const v = m.valuation(m.account(a.id));
  c.equity = v.equity;
  c.gross = v.gross;
};

const sizeGate: Gate = (c) => {
  const { m, req, intent, rules, qtyBefore } = c;
  if (req.reduceOnly) {
    if (D.isZero(qtyBefore) || (D.sign(qtyBefore) > 0) !== (req.side === 'sell')) skip('INVALID_ORDER', `reduce-only ${req.side} but no ${req.side === 'sell' ? 'long' : 'short'} position on ${req.symbol}`);
    const want = req.amount ?? D.abs(qtyBefore);
    c.amount = D.floorTo(D.min(want, D.abs(qtyBefore)), rules.step);
    if (D.isZero(c.amount)) skip('MIN_NOTIONAL_NOT_MET', 'nothing to reduce at this amount step');
  } else {
    // Signal sizing (risk % over a tight stop) may ask for more than the limits allow: the
    // size is cut to what the position-notional and symbol-exposure limits leave room for.
    const plan = planSize({
      size: { amount: req.amount, quoteAmount: req.quoteAmount, equityPercent: req.equityPercent, riskPercent: req.riskPercent, stopLoss: req.stopLoss },
      side: req.side,
      price: c.ref,
      equity: c.equity,
      qtyBefore,
      rules,
      limits: m.limits(c.a.id),
      capToLimits: intent.origin === 'autopilot' || intent.origin === 'signal',
    });
    if (!plan.ok) return skip(plan.code, plan.message);
    c.amount = plan.amount;
    if (plan.capped) c.capNote = ` (size cut from ${plan.uncappedAmount} to the risk limits)`;
  }
  m.intents.setAmount(intent.id, c.amount);
  c.qtyAfter = D.add(qtyBefore, req.side === 'buy' ? c.amount : D.neg(c.amount));
};

const riskLimitsGate: Gate = (c) => {
  const { m, intent, req, a } = c;
  if (intent.origin === 'risk' || intent.origin === 'oco' || req.reduceOnly) return;
  const st = m.riskState(a);
  const g = riskGate({ limits: m.effectiveLimits(a.id), equity: c.equity, drawdownPct: st.drawdownPct, dailyPnlPct: st.dailyPnlPct, qtyBefore: c.qtyBefore, qtyAfter: c.qtyAfter, price: c.ref, openPositions: m.positions.list(a.id).length });
  if (!g.ok) skip('RISK_BLOCKED', `risk gate (${g.rule}): ${g.message}`);
};

const fundsGate: Gate = (c) => {
  const { a } = c;
  if (a.kind !== 'paper') return;
  const increasing = D.gt(D.abs(c.qtyAfter), D.abs(c.qtyBefore));
  if (!increasing) return;
  const need = D.mul(D.mul(c.amount, c.ref), D.add('1', bps(a.takerFeeBps)));
  const free = D.sub(c.equity, c.gross);
  if (D.lt(free, need)) fail('INSUFFICIENT_FUNDS', readable('INSUFFICIENT_FUNDS'), `paper: needs ${D.roundTo(need, '0.01')} ${a.quoteCurrency}, available ${D.roundTo(free, '0.01')}`);
};

/** The gates in order; the kill switch is looked at again last: it may have been thrown while we sized. */
export const GATES: readonly Gate[] = [killSwitchGate, liveEnabledGate, marketGate, sizeGate, riskLimitsGate, fundsGate, killSwitchGate];

export async function execute(m: OrdersModule, intent: OrderIntent, req: PlaceOrder): Promise<Outcome> {
  const c = { m, intent, req, a: m.account(intent.accountId), capNote: '', killSwitchNote: '' } as ExecContext;
  for (const gate of GATES) await gate(c);
  m.intents.setSending(intent.id, c.amount);
  const role = intent.origin === 'oco' || intent.origin === 'risk' || req.reduceOnly ? 'exit' : 'entry';
  const price = req.type === 'market' ? null : c.price;
  const { a, amount, stopPrice } = c;
  const notes = `${c.capNote}${c.killSwitchNote}`;
  if (a.kind === 'paper') {
    const reasonMessage = `order placed: ${req.side} ${amount} ${req.symbol} ${req.type} (paper)${notes}`;
    const order = m.ctx.db.transaction(() => {
      const o = m.orders.insert({ intentId: intent.id, accountId: a.id, clientOrderId: intent.clientOrderId, exchangeOrderId: `paper-${intent.id}`, symbol: req.symbol, side: req.side, type: req.type, role, amount, price, stopPrice, status: 'open', ocoGroup: null }, m.now());
      m.intents.decide(intent.id, { decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED', reasonMessage, orderId: o.id }, m.now());
      return o;
    })();
    m.ctx.bus.publish('order.updated', order);
    return { decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED', reasonMessage, orderId: order.id };
  }
  const broker = m.broker(a);
  const ack = await m.live.sendWithRetry(broker, !!req.reduceOnly, { clientOrderId: intent.clientOrderId, symbol: req.symbol, side: req.side, type: req.type, amount, price, stopPrice });
  const order = m.live.recordOrder(a, intent, req, role, amount, price, stopPrice, ack);
  return { decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED', reasonMessage: `order placed: ${req.side} ${amount} ${req.symbol} ${req.type} (live, ${ack.status})${notes}`, orderId: order.id };
}
