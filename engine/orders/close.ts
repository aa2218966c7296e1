/**
 * Cancel and close: cancelling open orders (at the exchange first for live accounts; stop and
 * target legs are local), closing a position (all or a fraction, reduce-only at market) and
 * flattening every position. Closing never adds exposure, so the kill switch lets it through.
 */
import crypto from 'node:crypto';
import { ApiError } from '../api/errors';
import type { Account, IntentOrigin, Order, OrderIntent, Position } from '../api/contract';
import type { PositionRow } from '../../db/repos/positions';
import { D } from './decimal';
import { unrealized } from './ledger';
import type { OrdersModule } from './module';
import { mapExchangeError } from './reasons';

/** Which open orders to cancel: one by id, or all (of an account, of a symbol, entries only). */
export interface CancelQuery {
  id?: number;
  all?: boolean;
  account?: number;
  symbol?: string;
  entriesOnly?: boolean;
}

export async function cancelOrders(m: OrdersModule, q: CancelQuery): Promise<number[]> {
  let targets: Order[];
  if (q.id !== undefined) {
    const o = m.orders.get(q.id);
    if (!o) throw new ApiError('NOT_FOUND', `Unknown order ${q.id}`, { id: q.id });
    if (o.status !== 'open') throw new ApiError('CONFLICT', `Order ${q.id} is ${o.status}, not open`, { id: q.id, status: o.status });
    targets = [o];
  } else targets = m.orders.list({ status: 'open', account: q.account, symbol: q.symbol, limit: 5000 }).filter((o) => !q.entriesOnly || o.role === 'entry');
  const done: number[] = [];
  for (const o of targets) {
    const a = m.accounts.get(o.accountId)!;
    if (a.kind === 'live' && o.exchangeOrderId && o.role !== 'stop' && o.role !== 'target') {
      try {
        await m.broker(a).cancel(o.symbol, o.clientOrderId);
      } catch (e) {
        const err = mapExchangeError(e);
        if (q.id !== undefined) throw new ApiError('UNPROCESSABLE', `Cancel failed: ${err.message}`, { reasonCode: err.code, exchangeError: err.snippet });
        continue;
      }
    }
    m.ctx.bus.publish('order.updated', m.orders.update(o.id, { status: 'canceled' }, m.opts.now()));
    done.push(o.id);
  }
  return done;
}

export async function closePosition(m: OrdersModule, a: Account, symbol: string, fraction = 1, key?: string, origin: IntentOrigin = 'manual'): Promise<OrderIntent | null> {
  const p = m.positions.get(a.id, symbol);
  if (!p || D.isZero(p.qty)) return null;
  const rules = await m.rules(a, symbol);
  const amount = fraction >= 1 ? D.abs(p.qty) : D.floorTo(D.mul(D.abs(p.qty), D.of(fraction)), rules.step);
  if (D.isZero(amount)) return null;
  if (fraction >= 1) await cancelOrders(m, { all: true, account: a.id, symbol }).catch(() => []);
  return m.place({ account: a.id, symbol, side: D.sign(p.qty) > 0 ? 'sell' : 'buy', type: 'market', amount, reduceOnly: true, idempotencyKey: key ?? `close:${crypto.randomUUID()}` }, origin);
}

/** Flatten all: every open position of the account (or of every account) closed at market, reduce-only. */
export async function closeAll(m: OrdersModule, account?: number): Promise<{ intents: OrderIntent[] }> {
  const accts = account === undefined ? m.accounts.list() : [m.account(account)];
  const intents: OrderIntent[] = [];
  for (const a of accts) {
    const results = await Promise.all(m.positions.list(a.id).map((p) => closePosition(m, a, p.symbol, 1)));
    for (const i of results) if (i) intents.push(i);
  }
  return { intents };
}

export function toPosition(m: OrdersModule, a: Account, p: PositionRow): Position {
  const mark = m.lastPrice(a.source, p.symbol);
  const px = mark ?? p.avgEntry;
  return {
    accountId: p.accountId,
    symbol: p.symbol,
    qty: p.qty,
    avgEntry: D.roundTo(p.avgEntry, '0.00000001'),
    markPrice: mark,
    notional: D.abs(D.mul(p.qty, px)),
    unrealizedPnl: D.roundTo(unrealized(p, px), '0.00000001'),
    realizedPnl: p.realizedPnl,
    fees: p.fees,
    stopLoss: p.stopLoss,
    takeProfit: p.takeProfit,
    openedAt: p.openedAt,
    updatedAt: p.updatedAt,
  };
}
