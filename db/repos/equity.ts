/** Equity snapshots per account and minute: one row ↔ object mapping, statements prepared once. */
import type { Database, Statement } from 'better-sqlite3';
import type { EquitySnapshot } from '../../engine/api/commands/orders';

interface EquityRow {
  account_id: number;
  ts: number;
  equity: string;
  cash: string;
  unrealized_pnl: string;
}
const rowToSnapshot = (r: EquityRow): EquitySnapshot => ({ accountId: r.account_id, ts: r.ts, equity: r.equity, cash: r.cash, unrealizedPnl: r.unrealized_pnl });

export class EquityRepo {
  private readonly insertStmt: Statement;
  private readonly listStmt: Statement<[number, number, number], EquityRow>;
  private readonly equitiesStmt: Statement<[number, number], { ts: number; equity: string }>;
  private readonly firstStmt: Statement<[number, number], { equity: string }>;
  constructor(db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO equity_snapshots (account_id, ts, equity, cash, unrealized_pnl) VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id, ts) DO UPDATE SET equity = excluded.equity, cash = excluded.cash, unrealized_pnl = excluded.unrealized_pnl',
    );
    this.listStmt = db.prepare('SELECT * FROM (SELECT * FROM equity_snapshots WHERE account_id = ? AND ts >= ? ORDER BY ts DESC LIMIT ?) ORDER BY ts ASC');
    this.equitiesStmt = db.prepare('SELECT ts, equity FROM equity_snapshots WHERE account_id = ? AND ts >= ? ORDER BY ts');
    this.firstStmt = db.prepare('SELECT equity FROM equity_snapshots WHERE account_id = ? AND ts >= ? ORDER BY ts ASC LIMIT 1');
  }
  insert(s: EquitySnapshot): void {
    this.insertStmt.run(s.accountId, s.ts, s.equity, s.cash, s.unrealizedPnl);
  }
  list(accountId: number, since = 0, limit = 2000): EquitySnapshot[] {
    return this.listStmt.all(accountId, since, limit).map(rowToSnapshot);
  }
  /** Equities since `since` (for the month's peak and the day's start). */
  equities(accountId: number, since: number): Array<{ ts: number; equity: string }> {
    return this.equitiesStmt.all(accountId, since);
  }
  firstSince(accountId: number, since: number): string | undefined {
    return this.firstStmt.get(accountId, since)?.equity;
  }
}
