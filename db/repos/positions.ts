/** Positions: one row ↔ object mapping, statements prepared once. */
import type { Database, Statement } from 'better-sqlite3';
import type { Position } from '../../engine/api/commands/orders';

/** A stored position: the contract's Position without the figures marked to the market at read time. */
export type PositionRow = Omit<Position, 'markPrice' | 'notional' | 'unrealizedPnl'>;
interface PosDbRow {
  account_id: number;
  symbol: string;
  qty: string;
  avg_entry: string;
  realized_pnl: string;
  fees: string;
  stop_loss: string | null;
  take_profit: string | null;
  opened_at: number;
  updated_at: number;
}
const rowToPosition = (r: PosDbRow): PositionRow => ({
  accountId: r.account_id,
  symbol: r.symbol,
  qty: r.qty,
  avgEntry: r.avg_entry,
  realizedPnl: r.realized_pnl,
  fees: r.fees,
  stopLoss: r.stop_loss,
  takeProfit: r.take_profit,
  openedAt: r.opened_at,
  updatedAt: r.updated_at,
});

export class PositionsRepo {
  private readonly getStmt: Statement<[number, string], PosDbRow>;
  private readonly listAllStmt: Statement<[], PosDbRow>;
  private readonly listByAccountStmt: Statement<[number], PosDbRow>;
  private readonly upsertStmt: Statement;
  constructor(db: Database) {
    this.getStmt = db.prepare('SELECT * FROM positions WHERE account_id = ? AND symbol = ?');
    this.listAllStmt = db.prepare("SELECT * FROM positions WHERE qty != '0' ORDER BY symbol");
    this.listByAccountStmt = db.prepare("SELECT * FROM positions WHERE account_id = ? AND qty != '0' ORDER BY symbol");
    this.upsertStmt = db.prepare(
      `INSERT INTO positions (account_id, symbol, qty, avg_entry, realized_pnl, fees, stop_loss, take_profit, opened_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(account_id, symbol) DO UPDATE SET qty = excluded.qty, avg_entry = excluded.avg_entry, realized_pnl = excluded.realized_pnl, fees = excluded.fees,
         stop_loss = excluded.stop_loss, take_profit = excluded.take_profit, opened_at = excluded.opened_at, updated_at = excluded.updated_at`,
    );
  }
  get(accountId: number, symbol: string): PositionRow | undefined {
    const r = this.getStmt.get(accountId, symbol);
    return r ? rowToPosition(r) : undefined;
  }
  /** Open positions (qty ≠ 0). */
  list(accountId?: number): PositionRow[] {
    return (accountId === undefined ? this.listAllStmt.all() : this.listByAccountStmt.all(accountId)).map(rowToPosition);
  }
  upsert(p: PositionRow): void {
    this.upsertStmt.run(p.accountId, p.symbol, p.qty, p.avgEntry, p.realizedPnl, p.fees, p.stopLoss, p.takeProfit, p.openedAt, p.updatedAt);
  }
}
