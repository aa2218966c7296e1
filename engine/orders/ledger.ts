/**
 * The ledger: applies a fill to cash and the position with exact decimals (average entry on
 * increases, realized P&L on reductions, flips through zero), and values the book.
 */
import type { OrderSide } from '../api/commands/orders';
import type { PositionRow } from '../../db/repos/positions';
import { D, type Dec } from './decimal';

export interface FillEffect {
  position: PositionRow;
  cashDelta: Dec;
  realizedPnl: Dec;
}

export function applyFillToPosition(pos: PositionRow | undefined, accountId: number, symbol: string, side: OrderSide, amount: Dec, price: Dec, fee: Dec, ts: number): FillEffect {
  const signed = side === 'buy' ? amount : D.neg(amount);
  const cur: PositionRow = pos ?? { accountId, symbol, qty: '0', avgEntry: '0', realizedPnl: '0', fees: '0', stopLoss: null, takeProfit: null, openedAt: ts, updatedAt: ts };
  const qty = cur.qty;
  const notional = D.mul(amount, price);
  const cashDelta = side === 'buy' ? D.neg(D.add(notional, fee)) : D.sub(notional, fee);
  let realized = '0';
  let newQty = D.add(qty, signed);
  let avg = cur.avgEntry;
  let openedAt = cur.openedAt;
  if (D.isZero(qty) || D.sign(qty) === D.sign(signed)) {
    // Increase (or open): weighted average entry.
    const absOld = D.abs(qty);
    avg = D.div(D.add(D.mul(absOld, cur.avgEntry), D.mul(amount, price)), D.add(absOld, amount));
    if (D.isZero(qty)) openedAt = ts;
  } else {
    // Reduce: realize on the closed part; a flip opens the remainder at the fill price.
    const closing = D.min(D.abs(qty), amount);
    const dir = D.sign(qty) > 0 ? '1' : '-1';
    realized = D.mul(D.mul(D.sub(price, cur.avgEntry), closing), dir);
    if (D.isZero(newQty)) avg = '0';
    else if (D.sign(newQty) !== D.sign(qty)) {
      avg = price;
      openedAt = ts;
    }
  }
  newQty = D.of(newQty);
  const flat = D.isZero(newQty);
  return {
    position: {
      ...cur,
      qty: newQty,
      avgEntry: avg,
      realizedPnl: D.add(cur.realizedPnl, realized),
      fees: D.add(cur.fees, fee),
      stopLoss: flat ? null : cur.stopLoss,
      takeProfit: flat ? null : cur.takeProfit,
      openedAt,
      updatedAt: ts,
    },
    cashDelta,
    realizedPnl: realized,
  };
}

export function unrealized(pos: Pick<PositionRow, 'qty' | 'avgEntry'>, mark: Dec): Dec {
  return D.mul(D.sub(mark, pos.avgEntry), pos.qty);
}

/** Equity = cash + Σ qty × mark (cash already holds short-sale proceeds). */
export function equityOf(cash: Dec, positions: ReadonlyArray<Pick<PositionRow, 'qty' | 'avgEntry' | 'symbol'>>, mark: (symbol: string) => Dec | null): { equity: Dec; unrealized: Dec; gross: Dec } {
  let equity = cash;
  let unr = '0';
  let gross = '0';
  for (const p of positions) {
    const m = mark(p.symbol) ?? p.avgEntry;
    equity = D.add(equity, D.mul(p.qty, m));
    unr = D.add(unr, unrealized(p, m));
    gross = D.add(gross, D.abs(D.mul(p.qty, m)));
  }
  return { equity, unrealized: unr, gross };
}
