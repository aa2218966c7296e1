/** Backtest runs and sweeps (migration 014): the only place a backtest_runs row and a BacktestRun meet. */
import type { Database } from 'better-sqlite3';
import type { BacktestMetricsView, BacktestRun, BacktestStatus, BacktestSummary, BacktestTrade, EquityRow, SweepResult } from '../../engine/api/commands/backtest';

interface Row {
  id: number;
  kind: 'run' | 'sweep';
  status: BacktestStatus;
  input: string;
  metrics: string | null;
  trades: string | null;
  equity: string | null;
  sweep: string | null;
  error: string | null;
  bars_done: number;
  bars_total: number;
  created_at: number;
  finished_at: number | null;
}

const parse = <T>(s: string | null, empty: T): T => (s === null ? empty : (JSON.parse(s) as T));

function rowToSummary(r: Omit<Row, 'trades' | 'equity' | 'sweep'> & { best: string | null }): BacktestSummary {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    input: JSON.parse(r.input) as BacktestRun['input'],
    metrics: parse<BacktestMetricsView | null>(r.metrics, null),
    error: r.error,
    barsDone: r.bars_done,
    barsTotal: r.bars_total,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    bestParams: parse<SweepResult['rows'][number]['params'] | null>(r.best, null),
  };
}

function rowToRun(r: Row): BacktestRun {
  return {
    ...rowToSummary({ ...r, best: null }),
    trades: parse<BacktestTrade[]>(r.trades, []),
    equity: parse<EquityRow[]>(r.equity, []),
    sweep: parse<SweepResult | null>(r.sweep, null),
  } as BacktestRun;
}

export interface BacktestResults {
  metrics: BacktestMetricsView | null;
  trades?: BacktestTrade[];
  equity?: EquityRow[];
  sweep?: SweepResult | null;
}

export class BacktestRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly statusStmt;
  private readonly progressStmt;
  private readonly finishStmt;
  private readonly deleteStmt;
  private readonly interruptStmt;

  constructor(db: Database) {
    this.insertStmt = db.prepare('INSERT INTO backtest_runs (kind, status, input, bars_total, created_at) VALUES (?, ?, ?, ?, ?)');
    this.getStmt = db.prepare<[number], Row>('SELECT * FROM backtest_runs WHERE id = ?');
    this.listStmt = db.prepare<[number], Omit<Row, 'trades' | 'equity' | 'sweep'> & { best: string | null }>(
      `SELECT id, kind, status, input, metrics, error, bars_done, bars_total, created_at, finished_at,
              json_extract(sweep, '$.best.params') AS best
         FROM backtest_runs ORDER BY id DESC LIMIT ?`,
    );
    this.statusStmt = db.prepare('UPDATE backtest_runs SET status = ? WHERE id = ?');
    this.progressStmt = db.prepare('UPDATE backtest_runs SET bars_done = ?, bars_total = ? WHERE id = ?');
    this.finishStmt = db.prepare(
      'UPDATE backtest_runs SET status = ?, metrics = ?, trades = ?, equity = ?, sweep = ?, error = ?, bars_done = ?, finished_at = ? WHERE id = ?',
    );
    this.deleteStmt = db.prepare('DELETE FROM backtest_runs WHERE id = ?');
    this.interruptStmt = db.prepare(
      "UPDATE backtest_runs SET status = 'failed', error = 'interrupted: the engine stopped before it finished', finished_at = ? WHERE status IN ('queued', 'running')",
    );
  }

  insert(kind: 'run' | 'sweep', input: BacktestRun['input'], barsTotal: number, createdAt: number): number {
    return Number(this.insertStmt.run(kind, 'queued', JSON.stringify(input), barsTotal, createdAt).lastInsertRowid);
  }

  get(id: number): BacktestRun | null {
    const r = this.getStmt.get(id);
    return r ? rowToRun(r) : null;
  }

  list(limit: number): BacktestSummary[] {
    return this.listStmt.all(limit).map(rowToSummary);
  }

  setStatus(id: number, status: BacktestStatus): void {
    this.statusStmt.run(status, id);
  }

  progress(id: number, done: number, total: number): void {
    this.progressStmt.run(done, total, id);
  }

  finish(id: number, status: BacktestStatus, res: BacktestResults | null, error: string | null, barsDone: number, at: number): void {
    const j = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
    this.finishStmt.run(status, j(res?.metrics), j(res?.trades), j(res?.equity), j(res?.sweep), error, barsDone, at, id);
  }

  delete(id: number): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }

  /** At start-up: runs a previous engine left queued or running can never finish. */
  markInterrupted(at: number): number {
    return this.interruptStmt.run(at).changes;
  }
}
