/**
 * The book: matching open orders against new prices (the pure paper matcher decides, this applies),
 * booking fills (fill row, order, position and cash in one transaction) and the one-cancels-other
 * stop / target legs attached to filled entries.
 */
import type { Account, Order } from '../api/contract';
import { D, type Dec } from './decimal';
import { applyFillToPosition } from './ledger';
import { matchOrder, type MatchResult } from './paper-matcher';
import type { OrdersModule } from './module';

export class Book {
  constructor(private readonly m: OrdersModule) {}

  /** Paper orders (and engine-managed stop/target legs) against the newest price of a symbol. */
  matchOrders(source: string, symbol: string, px: Dec): void {
    const m = this.m;
    const open = m.orders.list({ status: 'open', symbol, limit: 5000 });
    if (open.length === 0) return;
    const accounts = new Map<number, Account>();
    for (const o of open) {
      const a = accounts.get(o.accountId) ?? m.accounts.get(o.accountId);
      if (!a || a.source !== source) continue;
      accounts.set(a.id, a);
      let r: MatchResult = matchOrder(o, a, px, m.positions.get(a.id, symbol)?.qty ?? '0');
      if (r.kind === 'triggered') {
        m.orders.update(o.id, { triggered: true }, m.now());
        r = r.then;
      }
      if (r.kind === 'cancel') m.ctx.bus.publish('order.updated', m.orders.update(o.id, { status: 'canceled' }, m.now()));
      else if (r.kind === 'live-leg') this.triggerLiveLeg(a, o, r.amount);
      else if (r.kind === 'fill') this.applyFill(a, { ...o, amount: r.amount }, r.amount, r.price, r.fee, true);
    }
  }

  private triggerLiveLeg(a: Account, leg: Order, amount: Dec): void {
    this.m.orders.update(leg.id, { triggered: true, status: 'filled' }, this.m.now());
    this.cancelSiblings(leg);
    void this.m.place({ account: a.id, symbol: leg.symbol, side: leg.side, type: 'market', amount, reduceOnly: true, idempotencyKey: `oco:${leg.id}` }, 'oco').catch((e: unknown) => console.error('[orders] OCO exit failed:', e));
  }

  /** Books a fill: fill row, order, position and cash in one transaction; then OCO follow-ups. */
  applyFill(a: Account, order: Order, amount: Dec, price: Dec, fee: Dec, complete: boolean): void {
    const m = this.m;
    const ts = m.now();
    const { fill, updated, position } = m.ctx.db.transaction(() => {
      const acct = m.accounts.get(a.id)!;
      const eff = applyFillToPosition(m.positions.get(a.id, order.symbol), a.id, order.symbol, order.side, amount, price, fee, ts);
      const cur = m.orders.get(order.id)!;
      const filled = D.add(cur.filled, amount);
      const avg = cur.avgPrice && !D.isZero(cur.filled) ? D.div(D.add(D.mul(cur.filled, cur.avgPrice), D.mul(amount, price)), filled) : price;
      const updated = m.orders.update(order.id, { filled, avgPrice: avg, fee: D.add(cur.fee, fee), status: complete ? 'filled' : 'open' }, ts);
      const intent = order.intentId ? m.intents.get(order.intentId) : undefined;
      if (order.role === 'entry' && intent && (intent.stopLoss || intent.takeProfit)) {
        eff.position.stopLoss = intent.stopLoss ?? eff.position.stopLoss;
        eff.position.takeProfit = intent.takeProfit ?? eff.position.takeProfit;
      }
      m.positions.upsert(eff.position);
      m.accounts.setCash(a.id, D.add(acct.cash, eff.cashDelta));
      const fill = m.fills.insert({ orderId: order.id, accountId: a.id, symbol: order.symbol, side: order.side, amount, price, fee, realizedPnl: eff.realizedPnl, ts });
      return { fill, updated, position: eff.position };
    })();
    m.ctx.bus.publish('order.fill', fill);
    m.ctx.bus.publish('order.updated', updated);
    m.ctx.bus.publish('position.updated', m.toPosition(a, position));
    if (order.role === 'stop' || order.role === 'target') this.cancelSiblings(order);
    if (order.role === 'entry' && complete) this.attachBrackets(a, updated);
  }

  /** After an entry fills: its stop and target become a one-cancels-other pair managed here. */
  private attachBrackets(a: Account, entry: Order): void {
    const m = this.m;
    const intent = entry.intentId ? m.intents.get(entry.intentId) : undefined;
    if (!intent || (!intent.stopLoss && !intent.takeProfit)) return;
    const group = `oco-${entry.id}`;
    const exitSide = entry.side === 'buy' ? 'sell' : 'buy';
    const now = m.now();
    const legs: Order[] = [];
    m.ctx.db.transaction(() => {
      if (intent.stopLoss) legs.push(m.orders.insert({ intentId: intent.id, accountId: a.id, clientOrderId: `${intent.clientOrderId}-sl`, exchangeOrderId: null, symbol: entry.symbol, side: exitSide, type: 'stop', role: 'stop', amount: entry.filled, price: null, stopPrice: intent.stopLoss, status: 'open', ocoGroup: group }, now));
      if (intent.takeProfit) legs.push(m.orders.insert({ intentId: intent.id, accountId: a.id, clientOrderId: `${intent.clientOrderId}-tp`, exchangeOrderId: null, symbol: entry.symbol, side: exitSide, type: 'limit', role: 'target', amount: entry.filled, price: intent.takeProfit, stopPrice: null, status: 'open', ocoGroup: group }, now));
    })();
    for (const l of legs) m.ctx.bus.publish('order.updated', l);
  }

  cancelSiblings(o: Order): void {
    if (!o.ocoGroup) return;
    for (const s of this.m.orders.byOco(o.ocoGroup)) {
      if (s.id !== o.id && s.status === 'open') this.m.ctx.bus.publish('order.updated', this.m.orders.update(s.id, { status: 'canceled' }, this.m.now()));
    }
  }
}
