/** Cutting a signal's size to what the position-notional and symbol-exposure limits leave room for. */
import type { MarketRules, OrderSide, RiskLimits } from '../api/commands/orders';
import { D, type Dec } from './decimal';

/**
 * The largest amount (on the step) whose resulting position stays within the max position
 * notional and the symbol exposure limit; null when `amount` already fits or no positive amount
 * fits (then the risk gate explains the block).
 */
export function capToLimits(l: RiskLimits, amount: Dec, qtyBefore: Dec, side: OrderSide, price: Dec, equity: Dec, rules: Pick<MarketRules, 'step' | 'minAmount' | 'minNotional'>): Dec | null {
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
