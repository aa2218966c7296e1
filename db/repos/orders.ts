/** Orders (entries, exits and engine-managed stop / target legs): one row ↔ object mapping, statements prepared once. */
import type { Database, Statement } from 'better-sqlite3';
import type { Order, OrderRole, OrderSide, OrderStatus, OrderType } from '../../engine/api/commands/orders';
import { StatementCache, where } from './filter';

interface OrderRow {
  id: number;
  intent_id: number | null;
  account_id: number;
  client_order_id: string;
  exchange_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  role: string;
  amount: string;
  price: string | null;
  stop_price: string | null;
  status: string;
  triggered: number;
  filled: string;
  avg_price: string | null;
  fee: string;
  oco_group: string | null;
  created_at: number;
  updated_at: number;
}

const rowToOrder = (r: OrderRow): Order => ({
  id: r.id,
  intentId: r.intent_id,
  accountId: r.account_id,
  clientOrderId: r.client_order_id,
  exchangeOrderId: r.exchange_order_id,
  symbol: r.symbol,
  side: r.side as OrderSide,
  type: r.type as OrderType,
  role: r.role as OrderRole,
  amount: r.amount,
  price: r.price,
  stopPrice: r.stop_price,
  status: r.status as OrderStatus,
  triggered: r.triggered === 1,
  filled: r.filled,
  avgPrice: r.avg_price,
  fee: r.fee,
  ocoGroup: r.oco_group,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type NewOrder = Pick<
  Order,
  'intentId' | 'accountId' | 'clientOrderId' | 'exchangeOrderId' | 'symbol' | 'side' | 'type' | 'role' | 'amount' | 'price' | 'stopPrice' | 'status' | 'ocoGroup'
>;

export interface OrderPatch {
  status?: OrderStatus;
  filled?: string;
  avgPrice?: string | null;
  fee?: string;
  triggered?: boolean;
  exchangeOrderId?: string | null;
  type?: OrderType;
}

export class OrdersRepo {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[number], OrderRow>;
  private readonly byClientStmt: Statement<[string], OrderRow>;
  private readonly openAllStmt: Statement<[], OrderRow>;
  private readonly openByAccountStmt: Statement<[number], OrderRow>;
  private readonly byOcoStmt: Statement<[string], OrderRow>;
  private readonly updateStmt: Statement;
  private readonly lists: StatementCache;

  constructor(db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO orders (intent_id, account_id, client_order_id, exchange_order_id, symbol, side, type, role, amount, price, stop_price, status, oco_group, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.getStmt = db.prepare('SELECT * FROM orders WHERE id = ?');
    this.byClientStmt = db.prepare('SELECT * FROM orders WHERE client_order_id = ?');
    this.openAllStmt = db.prepare("SELECT * FROM orders WHERE status = 'open' ORDER BY id");
    this.openByAccountStmt = db.prepare("SELECT * FROM orders WHERE status = 'open' AND account_id = ? ORDER BY id");
    this.byOcoStmt = db.prepare('SELECT * FROM orders WHERE oco_group = ? ORDER BY id');
    this.updateStmt = db.prepare('UPDATE orders SET status = ?, filled = ?, avg_price = ?, fee = ?, triggered = ?, exchange_order_id = ?, type = ?, updated_at = ? WHERE id = ?');
    this.lists = new StatementCache(db);
  }
  insert(o: NewOrder, now: number): Order {
    const r = this.insertStmt.run(o.intentId, o.accountId, o.clientOrderId, o.exchangeOrderId, o.symbol, o.side, o.type, o.role, o.amount, o.price, o.stopPrice, o.status, o.ocoGroup, now, now);
    return this.get(Number(r.lastInsertRowid))!;
  }
  get(id: number): Order | undefined {
    const r = this.getStmt.get(id);
    return r ? rowToOrder(r) : undefined;
  }
  byClientId(cid: string): Order | undefined {
    const r = this.byClientStmt.get(cid);
    return r ? rowToOrder(r) : undefined;
  }
  open(accountId?: number): Order[] {
    return (accountId === undefined ? this.openAllStmt.all() : this.openByAccountStmt.all(accountId)).map(rowToOrder);
  }
  byOco(group: string): Order[] {
    return this.byOcoStmt.all(group).map(rowToOrder);
  }
  update(id: number, p: OrderPatch, now: number): Order {
    const cur = this.get(id)!;
    this.updateStmt.run(
      p.status ?? cur.status,
      p.filled ?? cur.filled,
      p.avgPrice !== undefined ? p.avgPrice : cur.avgPrice,
      p.fee ?? cur.fee,
      (p.triggered ?? cur.triggered) ? 1 : 0,
      p.exchangeOrderId !== undefined ? p.exchangeOrderId : cur.exchangeOrderId,
      p.type ?? cur.type,
      now,
      id,
    );
    return this.get(id)!;
  }
  list(q: { account?: number; status?: string; symbol?: string; since?: number; limit?: number }): Order[] {
    const w = where([
      ['account_id = ?', q.account],
      ['status = ?', q.status],
      ['symbol = ?', q.symbol],
      ['created_at >= ?', q.since],
    ]);
    return this.lists
      .get<OrderRow>(`SELECT * FROM orders ${w.sql} ORDER BY id DESC LIMIT ?`)
      .all(...w.args, q.limit ?? 500)
      .map(rowToOrder);
  }
}
