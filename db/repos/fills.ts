/** Fills: one row ↔ object mapping, statements prepared once. */
import type { Database, Statement } from 'better-sqlite3';
import type { Fill, OrderRole, OrderSide } from '../../engine/api/commands/orders';
import { StatementCache, where } from './filter';

interface FillRow {
  id: number;
  order_id: number;
  account_id: number;
  symbol: string;
  side: string;
  amount: string;
  price: string;
  fee: string;
  realized_pnl: string;
  ts: number;
}
const rowToFill = (r: FillRow): Fill => ({
  id: r.id,
  orderId: r.order_id,
  accountId: r.account_id,
  symbol: r.symbol,
  side: r.side as OrderSide,
  amount: r.amount,
  price: r.price,
  fee: r.fee,
  realizedPnl: r.realized_pnl,
  ts: r.ts,
});

/** A fill with what it belongs to: the order's role and the intent's signal (for trade history). */
export interface FillTrace extends Fill {
  role: OrderRole;
  signalId: number | null;
}

export class FillsRepo {
  private readonly insertStmt: Statement;
  private readonly lists: StatementCache;
  constructor(db: Database) {
    this.insertStmt = db.prepare('INSERT INTO fills (order_id, account_id, symbol, side, amount, price, fee, realized_pnl, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.lists = new StatementCache(db);
  }
  insert(f: Omit<Fill, 'id'>): Fill {
    const r = this.insertStmt.run(f.orderId, f.accountId, f.symbol, f.side, f.amount, f.price, f.fee, f.realizedPnl, f.ts);
    return { ...f, id: Number(r.lastInsertRowid) };
  }
  list(q: { account?: number; symbol?: string; since?: number; limit?: number }): Fill[] {
    const w = where([
      ['account_id = ?', q.account],
      ['symbol = ?', q.symbol],
      ['ts >= ?', q.since],
    ]);
    return this.lists
      .get<FillRow>(`SELECT * FROM fills ${w.sql} ORDER BY id DESC LIMIT ?`)
      .all(...w.args, q.limit ?? 500)
      .map(rowToFill);
  }
  /** Every fill of an account (optionally one symbol), oldest first, with its order's role and signal. */
  traces(q: { account: number; symbol?: string }): FillTrace[] {
    const w = where([
      ['f.account_id = ?', q.account],
      ['f.symbol = ?', q.symbol],
    ]);
    return this.lists
      .get<FillRow & { role: string; signal_id: number | null }>(
        `SELECT f.*, o.role AS role, i.signal_id AS signal_id FROM fills f JOIN orders o ON o.id = f.order_id LEFT JOIN order_intents i ON i.id = o.intent_id ${w.sql} ORDER BY f.ts, f.id`,
      )
      .all(...w.args)
      .map((r) => ({ ...rowToFill(r), role: r.role as OrderRole, signalId: r.signal_id }));
  }
}
