/**
 * Goals repository: goals, their snapshots, the adjustment log and per-account goal state, plus
 * the two reads goals need from the order book (equity at a time, and the month's fills).
 * Rows and objects meet only in the `to*` functions below.
 */
import type { Database } from 'better-sqlite3';
import type { Goal, GoalAdjustment, GoalSnapshot, GoalStance, GoalStatusWord, GoalType } from '../../engine/api/commands/goals';
import { preparedOnce, type Prepare } from './filter';

interface GoalRow {
  id: number;
  account_id: number;
  type: string;
  target: number;
  label: string;
  deadline: number | null;
  start_equity: string;
  last_status: string | null;
  last_period: number | null;
  created_at: number;
  updated_at: number;
}
const toGoal = (r: GoalRow): Goal => ({
  id: r.id,
  accountId: r.account_id,
  type: r.type as GoalType,
  target: r.target,
  label: r.label,
  deadline: r.deadline,
  startEquity: r.start_equity,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

interface SnapshotRow {
  id: number;
  goal_id: number;
  day: string;
  kind: string;
  ts: number;
  current: number;
  expected: number;
  target: number;
  progress_pct: number;
  pace: number | null;
  status: string;
  period_start: number;
}
const toSnapshot = (r: SnapshotRow): GoalSnapshot => ({
  id: r.id,
  goalId: r.goal_id,
  day: r.day,
  kind: r.kind as GoalSnapshot['kind'],
  ts: r.ts,
  current: r.current,
  expected: r.expected,
  target: r.target,
  progressPct: r.progress_pct,
  pace: r.pace,
  status: r.status as GoalStatusWord,
  periodStart: r.period_start,
});

interface AdjustmentRow {
  id: number;
  account_id: number;
  ts: number;
  kind: string;
  factor: number;
  rule: number;
  stance: string;
  sentence: string;
}
const toAdjustment = (r: AdjustmentRow): GoalAdjustment => ({
  id: r.id,
  accountId: r.account_id,
  ts: r.ts,
  kind: r.kind as GoalAdjustment['kind'],
  factor: r.factor,
  rule: r.rule,
  stance: r.stance as GoalStance,
  sentence: r.sentence,
});

export type NewGoal = Omit<Goal, 'id' | 'updatedAt'>;
export type NewSnapshot = Omit<GoalSnapshot, 'id'>;
export interface AccountGoalState {
  factor: number;
  rule: number;
  stance: GoalStance;
}

export class GoalsRepo {
  private readonly getStmt;
  private readonly insertDailyStmt;
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
    this.getStmt = db.prepare<[number], GoalRow>('SELECT * FROM goals WHERE id = ?');
    this.insertDailyStmt = db.prepare(
      `INSERT INTO goal_snapshots (goal_id, day, kind, ts, current, expected, target, progress_pct, pace, status, period_start)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
  }

  // goals
  insert(g: NewGoal, initialStatus: GoalStatusWord | null, period: number | null): Goal {
    const r = this.prepare
      ('INSERT INTO goals (account_id, type, target, label, deadline, start_equity, last_status, last_period, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(g.accountId, g.type, g.target, g.label, g.deadline, g.startEquity, initialStatus, period, g.createdAt, g.createdAt);
    return this.get(Number(r.lastInsertRowid))!;
  }
  get(id: number): Goal | undefined {
    const r = this.getStmt.get(id);
    return r ? toGoal(r) : undefined;
  }
  list(accountId?: number): Goal[] {
    const rows =
      accountId === undefined
        ? this.prepare<[], GoalRow>('SELECT * FROM goals ORDER BY account_id, id').all()
        : this.prepare<[number], GoalRow>('SELECT * FROM goals WHERE account_id = ? ORDER BY id').all(accountId);
    return rows.map(toGoal);
  }
  update(id: number, p: { target?: number; label?: string; deadline?: number }, now: number): void {
    const cur = this.getStmt.get(id);
    if (!cur) return;
    this.prepare
      ('UPDATE goals SET target = ?, label = ?, deadline = ?, updated_at = ? WHERE id = ?')
      .run(p.target ?? cur.target, p.label ?? cur.label, p.deadline ?? cur.deadline, now, id);
  }
  delete(id: number): number {
    return this.prepare('DELETE FROM goals WHERE id = ?').run(id).changes;
  }
  lastStatus(id: number): { status: GoalStatusWord | null; period: number | null } {
    const r = this.getStmt.get(id);
    return { status: (r?.last_status ?? null) as GoalStatusWord | null, period: r?.last_period ?? null };
  }
  /** Records a status change once: false when another writer already recorded this status. */
  setLastStatus(id: number, from: GoalStatusWord | null, to: GoalStatusWord, period: number): boolean {
    return this.prepare('UPDATE goals SET last_status = ?, last_period = ? WHERE id = ? AND last_status IS ?').run(to, period, id, from).changes === 1;
  }

  // snapshots
  /** A daily snapshot is written at most once per goal and day (UNIQUE); returns whether it is new. */
  insertSnapshot(s: NewSnapshot): boolean {
    return this.insertDailyStmt.run(s.goalId, s.day, s.kind, s.ts, s.current, s.expected, s.target, s.progressPct, s.pace, s.status, s.periodStart).changes === 1;
  }
  history(goalId: number, since = 0): GoalSnapshot[] {
    return this.prepare<[number, number], SnapshotRow>('SELECT * FROM goal_snapshots WHERE goal_id = ? AND ts >= ? ORDER BY ts, id').all(goalId, since).map(toSnapshot);
  }
  latestSnapshot(goalId: number, kind: 'daily' | 'manual'): GoalSnapshot | undefined {
    const r = this.prepare<[number, string], SnapshotRow>('SELECT * FROM goal_snapshots WHERE goal_id = ? AND kind = ? ORDER BY ts DESC, id DESC LIMIT 1').get(goalId, kind);
    return r ? toSnapshot(r) : undefined;
  }

  // adjustments and per-account state
  insertAdjustment(a: Omit<GoalAdjustment, 'id'>): GoalAdjustment {
    const r = this.prepare
      ('INSERT INTO goal_adjustments (account_id, ts, kind, factor, rule, stance, sentence) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(a.accountId, a.ts, a.kind, a.factor, a.rule, a.stance, a.sentence);
    return { ...a, id: Number(r.lastInsertRowid) };
  }
  adjustments(q: { account?: number; since?: number; limit?: number }): GoalAdjustment[] {
    const where: string[] = ['ts >= ?'];
    const args: unknown[] = [q.since ?? 0];
    if (q.account !== undefined) {
      where.push('account_id = ?');
      args.push(q.account);
    }
    return this.prepare
      <unknown[], AdjustmentRow>(`SELECT * FROM goal_adjustments WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ?`)
      .all(...args, q.limit ?? 200)
      .map(toAdjustment);
  }
  state(accountId: number): AccountGoalState | undefined {
    const r = this.prepare<[number], { factor: number; rule: number; stance: string }>('SELECT factor, rule, stance FROM goal_account_state WHERE account_id = ?').get(accountId);
    return r ? { factor: r.factor, rule: r.rule, stance: r.stance as GoalStance } : undefined;
  }
  setState(accountId: number, s: AccountGoalState, now: number): void {
    this.prepare
      (
        'INSERT INTO goal_account_state (account_id, factor, rule, stance, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET factor = excluded.factor, rule = excluded.rule, stance = excluded.stance, updated_at = excluded.updated_at',
      )
      .run(accountId, s.factor, s.rule, s.stance, now);
  }

  // reads from the order book
  /** The last recorded equity at or before `ts`. */
  equityAt(accountId: number, ts: number): string | undefined {
    return this.prepare<[number, number], { equity: string }>('SELECT equity FROM equity_snapshots WHERE account_id = ? AND ts <= ? ORDER BY ts DESC LIMIT 1').get(accountId, ts)?.equity;
  }
  /** The first recorded equity in [from, until]. */
  firstEquityBetween(accountId: number, from: number, until: number): string | undefined {
    return this.prepare
      <[number, number, number], { equity: string }>('SELECT equity FROM equity_snapshots WHERE account_id = ? AND ts >= ? AND ts <= ? ORDER BY ts ASC LIMIT 1')
      .get(accountId, from, until)?.equity;
  }
  /** Realized P&L and fee of every fill in [from, until] (exact decimal strings). */
  fillsBetween(accountId: number, from: number, until: number): Array<{ realizedPnl: string; fee: string }> {
    return this.prepare
      <[number, number, number], { realized_pnl: string; fee: string }>('SELECT realized_pnl, fee FROM fills WHERE account_id = ? AND ts >= ? AND ts <= ? ORDER BY id')
      .all(accountId, from, until)
      .map((r) => ({ realizedPnl: r.realized_pnl, fee: r.fee }));
  }
}
