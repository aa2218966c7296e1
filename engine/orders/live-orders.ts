/**
 * Live accounts' side of the engine: sending with retries (asking the exchange by client order id
 * before resending), recording and syncing what the exchange reports, quote-balance sync and the
 * polling round (fills of open live orders, prices for engine-managed legs).
 */
import type { Account, Order, OrderIntent, PlaceOrder } from '../api/contract';
import { D, bps } from './decimal';
import { Final } from './execute';
import type { LiveBroker, ExchangeOrderState } from './live';
import { mapExchangeError } from './reasons';
import type { OrdersModule } from './module';

export class LiveOrders {
  private readonly cashSyncedAt = new Map<number, number>();
  private polling = false;

  constructor(private readonly m: OrdersModule) {}

  /** The gateway retries temporary errors (back-off, Retry-After, breaker) and asks before each resend. */
  async sendWithRetry(broker: LiveBroker, reduceOnly: boolean, r: Parameters<LiveBroker['place']>[0]): Promise<ExchangeOrderState> {
    try {
      return await broker.placeWithRetry(r, () => {
        if (!reduceOnly && this.m.killSwitch().on) throw new Final({ decision: 'SKIPPED', reasonCode: 'KILL_SWITCH', reasonMessage: 'kill switch turned on while retrying' });
      });
    } catch (e) {
      if (e instanceof Final) throw e;
      const m = mapExchangeError(e);
      throw new Final({ decision: 'FAILED', reasonCode: m.code, reasonMessage: m.message, exchangeError: m.snippet });
    }
  }

  fetchWithRetry(a: Account, intent: OrderIntent): Promise<ExchangeOrderState | null> {
    return this.m.broker(a).fetchByClientId(intent.symbol, intent.clientOrderId, this.m.opts.retries + 2);
  }

  recordOrder(a: Account, intent: OrderIntent, req: PlaceOrder, role: Order['role'], amount: string, price: string | null, stopPrice: string | null, ack: ExchangeOrderState): Order {
    let order = this.m.orders.byClientId(intent.clientOrderId);
    if (!order) {
      order = this.m.orders.insert({ intentId: intent.id, accountId: a.id, clientOrderId: intent.clientOrderId, exchangeOrderId: ack.exchangeOrderId, symbol: req.symbol, side: req.side, type: req.type, role, amount, price, stopPrice, status: 'open', ocoGroup: null }, this.m.now());
      this.m.ctx.bus.publish('order.updated', order);
    }
    this.syncOrder(a, order, ack);
    return order;
  }

  /** Applies what the exchange reports about one of our orders (fills as deltas). */
  syncOrder(a: Account, order: Order, st: ExchangeOrderState): void {
    const delta = D.sub(st.filled, order.filled);
    if (D.gt(delta, '0')) {
      const px = st.avgPrice ?? order.price ?? this.m.lastPrice(a.source, order.symbol) ?? '0';
      const fee = st.fee !== null && D.gt(st.fee, '0') ? st.fee : D.roundTo(D.mul(D.mul(delta, px), bps(a.takerFeeBps)), '0.00000001');
      this.m.book.applyFill(a, order, delta, px, fee, st.status === 'filled' || D.gte(st.filled, order.amount));
    } else if (st.status !== order.status && st.status !== 'filled') {
      this.m.ctx.bus.publish('order.updated', this.m.orders.update(order.id, { status: st.status, exchangeOrderId: st.exchangeOrderId ?? order.exchangeOrderId }, this.m.now()));
    }
  }

  /** Live accounts: the exchange's quote balance is the truth for cash (re-read at most every 10 s). */
  async syncCash(a: Account): Promise<void> {
    const t = this.m.now();
    if (t - (this.cashSyncedAt.get(a.id) ?? 0) < 10_000) return;
    const cash = await this.m.broker(a).quoteBalance(a.quoteCurrency);
    this.m.accounts.setCash(a.id, cash);
    this.cashSyncedAt.set(a.id, t);
  }

  /** One round of live polling: fills of open live orders, and prices for engine-managed legs. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const m = this.m;
    try {
      // Engine-managed stop/target legs of live accounts need a price even when the collector does
      // not follow that exchange: the exchange's ticker is asked and the legs matched against it.
      const legs = new Map<string, { a: Account; symbol: string }>();
      for (const o of m.orders.list({ status: 'open', limit: 5000 })) {
        if (o.role !== 'stop' && o.role !== 'target') continue;
        const a = m.accounts.get(o.accountId);
        if (a?.kind === 'live') legs.set(`${a.id}|${o.symbol}`, { a, symbol: o.symbol });
      }
      for (const { a, symbol } of legs.values()) {
        try {
          const last = (await m.broker(a).rules(symbol, null)).last;
          if (last) m.book.matchOrders(a.source, symbol, last);
        } catch {
          // Best effort, like order polling: the next round asks again.
        }
      }
      for (const o of m.orders.list({ status: 'open', limit: 5000 })) {
        if (o.role === 'stop' || o.role === 'target') continue;
        const a = m.accounts.get(o.accountId);
        if (!a || a.kind !== 'live') continue;
        try {
          const st = await m.broker(a).fetchByClientId(o.symbol, o.clientOrderId);
          if (st) this.syncOrder(a, m.orders.get(o.id)!, st);
        } catch {
          // Polling is best effort; the next round retries.
        }
      }
    } finally {
      this.polling = false;
    }
  }
}
