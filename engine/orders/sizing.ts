/**
 * Sizing: fixed amount, fixed quote amount, percent of equity, or risk-based (risk % of equity ÷
 * stop distance); rounded down to the market's amount step and checked against its minimums.
 */
import type { MarketRules, RiskLimits } from '../api/commands/orders';
import { D, type Dec } from './decimal';
import { capToLimits } from './sizing-limits';

export interface SizeRequest {
  amount?: Dec;
  quoteAmount?: Dec;
  equityPercent?: number;
  riskPercent?: number;
  stopLoss?: Dec;
}

export type SizeResult = { ok: true; amount: Dec; notional: Dec } | { ok: false; code: 'SIZING_FAILED' | 'MIN_NOTIONAL_NOT_MET'; message: string };

export function sizeOrder(req: SizeRequest, price: Dec, equity: Dec, rules: Pick<MarketRules, 'step' | 'minAmount' | 'minNotional' | 'symbol'>): SizeResult {
  let raw: Dec;
  if (req.amount !== undefined) raw = req.amount;
  else if (req.quoteAmount !== undefined) raw = D.div(req.quoteAmount, price);
  else if (req.equityPercent !== undefined) raw = D.div(D.mul(equity, D.div(D.of(req.equityPercent), '100')), price);
  else if (req.riskPercent !== undefined) {
    if (req.stopLoss === undefined) return { ok: false, code: 'SIZING_FAILED', message: 'risk-based sizing needs a stop loss' };
    const distance = D.abs(D.sub(price, req.stopLoss));
    if (D.isZero(distance)) return { ok: false, code: 'SIZING_FAILED', message: 'the stop loss equals the entry price' };
    const risk = D.mul(equity, D.div(D.of(req.riskPercent), '100'));
    raw = D.div(risk, distance);
  } else return { ok: false, code: 'SIZING_FAILED', message: 'no size given' };
  const amount = D.floorTo(raw, rules.step);
  const notional = D.mul(amount, price);
  const base = rules.symbol.split('/')[0] ?? '';
  const quote = (rules.symbol.split('/')[1] ?? '').split(':')[0] ?? '';
  if (D.isZero(amount) || D.lt(amount, rules.minAmount)) {
    return { ok: false, code: 'MIN_NOTIONAL_NOT_MET', message: `${amount} ${base} is below the minimum amount ${rules.minAmount} (step ${rules.step})` };
  }
  if (D.lt(notional, rules.minNotional)) {
    return { ok: false, code: 'MIN_NOTIONAL_NOT_MET', message: `${amount} ${base} ≈ ${D.roundTo(notional, '0.01')} ${quote} is below the minimum notional ${rules.minNotional} ${quote}` };
  }
  return { ok: true, amount, notional };
}

/** Paper market rules derived from the price's magnitude: ~6 significant digits of price, amount steps worth ~0.01–0.1 quote. */
export function paperRules(symbol: string, last: Dec | null): Omit<MarketRules, 'makerFeeBps' | 'takerFeeBps'> {
  const p = last ? Number(last) : 1;
  const mag = Math.floor(Math.log10(p > 0 ? p : 1));
  const tick = pow10(mag - 5);
  const step = pow10(Math.floor(Math.log10(1 / (p > 0 ? p : 1))) - 1);
  return { symbol, tick, step, minAmount: step, minNotional: '5', last };
}

function pow10(e: number): Dec {
  if (e >= 0) return '1' + '0'.repeat(e);
  return '0.' + '0'.repeat(-e - 1) + '1';
}

/**
 * One sizing decision, as a pure function: the order's size request, the price it is valued at,
 * equity, market rules and the account's limits in; the amount, its notional, the rule that
 * produced it, and whether it was cut to the max position notional out. Used by execution and by
 * the preview, so what the preview shows is what Execute does. (Goal-aware sizing builds on this:
 * it scales the request before it comes in.)
 */
export interface SizePlanInput {
  size: SizeRequest;
  side: 'buy' | 'sell';
  /** The price the order is valued at (limit price, stop trigger or last). */
  price: Dec;
  equity: Dec;
  /** Signed position before the order. */
  qtyBefore: Dec;
  rules: Pick<MarketRules, 'step' | 'minAmount' | 'minNotional' | 'symbol'>;
  limits: RiskLimits;
  /** Signal sizing is cut to the limits; a size typed by hand is not (the risk gate refuses it instead). */
  capToLimits: boolean;
}

export type SizePlan =
  | { ok: true; amount: Dec; notional: Dec; rule: string; capped: boolean; uncappedAmount: Dec }
  | { ok: false; code: 'SIZING_FAILED' | 'MIN_NOTIONAL_NOT_MET'; message: string; rule: string };

export function sizeRule(r: SizeRequest): string {
  if (r.amount !== undefined) return `fixed amount ${r.amount}`;
  if (r.quoteAmount !== undefined) return `fixed notional ${r.quoteAmount}`;
  if (r.equityPercent !== undefined) return `${r.equityPercent} % of equity`;
  if (r.riskPercent !== undefined) return `risk ${r.riskPercent} % of equity to the stop`;
  return 'no size';
}

export function planSize(p: SizePlanInput): SizePlan {
  const rule = sizeRule(p.size);
  const s = sizeOrder(p.size, p.price, p.equity, p.rules);
  if (!s.ok) return { ...s, rule };
  const capped = p.capToLimits ? capToLimits(p.limits, s.amount, p.qtyBefore, p.side, p.price, p.equity, p.rules) : null;
  if (capped === null) return { ok: true, amount: s.amount, notional: s.notional, rule, capped: false, uncappedAmount: s.amount };
  return { ok: true, amount: capped, notional: D.mul(capped, p.price), rule, capped: true, uncappedAmount: s.amount };
}
