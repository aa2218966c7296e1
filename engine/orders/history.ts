/**
 * Trade history: closed round trips rebuilt from fills, oldest fill first, with exact decimals.
 * A round trip opens when a position leaves zero and closes when it returns to zero; a fill that
 * flips the position closes one trip and opens the next with the remainder (its fee split by
 * amount). Realized P&L is the ledger's, per fill; fees are every fee paid in the trip.
 */
import type { OrderSide, RoundTrip } from '../api/commands/orders';
import type { FillTrace } from '../../db/repos/fills';
import { D, type Dec } from './decimal';

interface Open {
  side: 'long' | 'short';
  qty: Dec;
  entryQty: Dec;
  entryValue: Dec;
  exitQty: Dec;
  exitValue: Dec;
  realized: Dec;
  fees: Dec;
  openedAt: number;
  signalId: number | null;
}

const PRICE_SCALE = 8;
const avg = (value: Dec, qty: Dec): Dec => (D.isZero(qty) ? '0' : D.of(D.roundTo(D.div(value, qty, PRICE_SCALE + 2), '0.00000001')));

export function roundTrips(fills: ReadonlyArray<FillTrace>): RoundTrip[] {
  const out: RoundTrip[] = [];
  const open = new Map<string, Open>();
  for (const f of fills) {
    const key = `${f.accountId}|${f.symbol}`;
    let t = open.get(key);
    const signed = (side: OrderSide, amount: Dec): Dec => (side === 'buy' ? amount : D.neg(amount));
    if (!t) {
      t = start(f, f.amount, f.fee);
      open.set(key, t);
      continue;
    }
    const sameSide = (t.side === 'long') === (f.side === 'buy');
    if (sameSide) {
      t.qty = D.add(t.qty, signed(f.side, f.amount));
      t.entryQty = D.add(t.entryQty, f.amount);
      t.entryValue = D.add(t.entryValue, D.mul(f.amount, f.price));
      t.fees = D.add(t.fees, f.fee);
      continue;
    }
    const closing = D.min(D.abs(t.qty), f.amount);
    const rest = D.sub(f.amount, closing);
    const closingFee = D.isZero(rest) ? f.fee : D.roundTo(D.div(D.mul(f.fee, closing), f.amount), '0.00000001');
    t.qty = D.add(t.qty, signed(f.side, closing));
    t.exitQty = D.add(t.exitQty, closing);
    t.exitValue = D.add(t.exitValue, D.mul(closing, f.price));
    t.realized = D.add(t.realized, f.realizedPnl);
    t.fees = D.add(t.fees, closingFee);
    if (!D.isZero(t.qty)) continue;
    out.push(finish(f, t));
    open.delete(key);
    if (!D.isZero(rest)) open.set(key, start(f, rest, D.sub(f.fee, closingFee)));
  }
  return out;
}

function start(f: FillTrace, amount: Dec, fee: Dec): Open {
  return {
    side: f.side === 'buy' ? 'long' : 'short',
    qty: f.side === 'buy' ? amount : D.neg(amount),
    entryQty: amount,
    entryValue: D.mul(amount, f.price),
    exitQty: '0',
    exitValue: '0',
    realized: '0',
    fees: fee,
    openedAt: f.ts,
    signalId: f.role === 'entry' ? f.signalId : null,
  };
}

function finish(f: FillTrace, t: Open): RoundTrip {
  return {
    accountId: f.accountId,
    symbol: f.symbol,
    side: t.side,
    amount: D.of(t.entryQty),
    entryPrice: avg(t.entryValue, t.entryQty),
    exitPrice: avg(t.exitValue, t.exitQty),
    realizedPnl: D.of(t.realized),
    fees: D.of(t.fees),
    netPnl: D.sub(t.realized, t.fees),
    openedAt: t.openedAt,
    closedAt: f.ts,
    durationMs: f.ts - t.openedAt,
    signalId: t.signalId,
  };
}

/** Newest first, filtered by the close time, at most `limit`. */
export function selectTrips(trips: RoundTrip[], q: { since?: number; limit?: number }): RoundTrip[] {
  return trips
    .filter((t) => q.since === undefined || t.closedAt >= q.since)
    .sort((a, b) => b.closedAt - a.closedAt || b.openedAt - a.openedAt)
    .slice(0, q.limit ?? 500);
}
