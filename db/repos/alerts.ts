/**
 * Alerts repository: rules, alert records and per-rule evaluation state. Rows and objects meet
 * only in `toRule` / `toAlert`; list filters are built by one helper.
 */
import type { Database } from 'better-sqlite3';
import type { Alert, AlertCondition, AlertKind, AlertPriority, AlertRule, AlertStats, AlertStatus } from '../../engine/api/commands/alerts';
import { ALERT_KINDS, ALERT_PRIORITIES } from '../../engine/api/commands/alerts';
import { preparedOnce, type Prepare } from './filter';

interface RuleRow {
  id: number;
  name: string;
  kind: string;
  condition: string;
  priority: string;
  delivery: string;
  throttle_minutes: number;
  once: number;
  enabled: number;
  last_fired_at: number | null;
  created_at: number;
  updated_at: number;
}
const toRule = (r: RuleRow): AlertRule => ({
  id: r.id,
  name: r.name,
  kind: r.kind as AlertKind,
  condition: JSON.parse(r.condition) as AlertCondition,
  priority: r.priority as AlertPriority,
  delivery: JSON.parse(r.delivery) as string[],
  throttleMinutes: r.throttle_minutes,
  once: r.once === 1,
  enabled: r.enabled === 1,
  lastFiredAt: r.last_fired_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface RuleData {
  name: string;
  kind: AlertKind;
  condition: AlertCondition;
  priority: AlertPriority;
  delivery: string[];
  throttleMinutes: number;
  once: boolean;
  enabled: boolean;
}

interface AlertRow {
  id: number;
  rule_id: number;
  rule_name: string;
  kind: string;
  priority: string;
  status: string;
  message: string;
  values: string;
  fired_at: number;
  source: string | null;
  symbol: string | null;
  snoozed_until: number | null;
  acknowledged_at: number | null;
  resolved_at: number | null;
  resolution: string | null;
  updated_at: number;
}
const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  kind: r.kind as AlertKind,
  priority: r.priority as AlertPriority,
  status: r.status as AlertStatus,
  message: r.message,
  values: JSON.parse(r.values) as Alert['values'],
  firedAt: r.fired_at,
  source: r.source,
  symbol: r.symbol,
  snoozedUntil: r.snoozed_until,
  acknowledgedAt: r.acknowledged_at,
  resolvedAt: r.resolved_at,
  resolution: r.resolution,
  updatedAt: r.updated_at,
});

export interface NewAlert {
  ruleId: number;
  ruleName: string;
  kind: AlertKind;
  priority: AlertPriority;
  message: string;
  values: Alert['values'];
  firedAt: number;
  source: string | null;
  symbol: string | null;
  /** Unique per rule: the bar, crossing or episode that fired it. */
  dedupKey: string;
}

export interface AlertFilter {
  status?: AlertStatus;
  priority?: AlertPriority;
  kind?: AlertKind;
  since?: number;
  limit?: number;
}

function where(f: AlertFilter): { sql: string; args: Array<string | number> } {
  const w: string[] = [];
  const args: Array<string | number> = [];
  const add = (sql: string, v: string | number | undefined): void => {
    if (v === undefined) return;
    w.push(sql);
    args.push(v);
  };
  add('status = ?', f.status);
  add('priority = ?', f.priority);
  add('kind = ?', f.kind);
  add('fired_at >= ?', f.since);
  return { sql: w.length ? `WHERE ${w.join(' AND ')}` : '', args };
}

export class AlertRulesRepo {
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
  }

  list(kind?: AlertKind): AlertRule[] {
    const rows = kind
      ? (this.prepare('SELECT * FROM alert_rules WHERE kind = ? ORDER BY id DESC').all(kind) as RuleRow[])
      : (this.prepare('SELECT * FROM alert_rules ORDER BY id DESC').all() as RuleRow[]);
    return rows.map(toRule);
  }

  get(id: number): AlertRule | undefined {
    const r = this.prepare('SELECT * FROM alert_rules WHERE id = ?').get(id) as RuleRow | undefined;
    return r && toRule(r);
  }

  insert(d: RuleData, now: number): AlertRule {
    const id = Number(
      this.prepare
        ('INSERT INTO alert_rules (name, kind, condition, priority, delivery, throttle_minutes, once, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(d.name, d.kind, JSON.stringify(d.condition), d.priority, JSON.stringify(d.delivery), d.throttleMinutes, d.once ? 1 : 0, d.enabled ? 1 : 0, now, now).lastInsertRowid,
    );
    return this.get(id)!;
  }

  update(id: number, d: RuleData, now: number): AlertRule {
    this.prepare
      ('UPDATE alert_rules SET name = ?, kind = ?, condition = ?, priority = ?, delivery = ?, throttle_minutes = ?, once = ?, enabled = ?, updated_at = ? WHERE id = ?')
      .run(d.name, d.kind, JSON.stringify(d.condition), d.priority, JSON.stringify(d.delivery), d.throttleMinutes, d.once ? 1 : 0, d.enabled ? 1 : 0, now, id);
    return this.get(id)!;
  }

  fired(id: number, at: number, disable: boolean, now: number): void {
    this.prepare(`UPDATE alert_rules SET last_fired_at = ?, updated_at = ?${disable ? ', enabled = 0' : ''} WHERE id = ?`).run(at, now, id);
  }

  delete(id: number): number {
    return this.db.transaction(() => {
      this.prepare('DELETE FROM alert_rule_state WHERE rule_id = ?').run(id);
      return this.prepare('DELETE FROM alert_rules WHERE id = ?').run(id).changes;
    })();
  }
}

export class AlertsRepo {
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Inserts an alert; null when the rule already fired for this dedup key (same bar, crossing or episode). */
  insert(a: NewAlert, now: number): Alert | null {
    const r = this.prepare
      (
        'INSERT OR IGNORE INTO alerts (rule_id, rule_name, kind, priority, status, message, "values", fired_at, source, symbol, dedup_key, updated_at) VALUES (?, ?, ?, ?, \'active\', ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(a.ruleId, a.ruleName, a.kind, a.priority, a.message, JSON.stringify(a.values), a.firedAt, a.source, a.symbol, a.dedupKey, now);
    return r.changes > 0 ? this.get(Number(r.lastInsertRowid))! : null;
  }

  get(id: number): Alert | undefined {
    const r = this.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    return r && toAlert(r);
  }

  list(f: AlertFilter): Alert[] {
    const w = where(f);
    const rows = this.prepare(`SELECT * FROM alerts ${w.sql} ORDER BY fired_at DESC, id DESC LIMIT ?`).all(...w.args, f.limit ?? 500) as AlertRow[];
    return rows.map(toAlert);
  }

  /** Unresolved alerts of a rule (active, acknowledged or snoozed). */
  openOf(ruleId: number): Alert[] {
    return (this.prepare("SELECT * FROM alerts WHERE rule_id = ? AND status != 'resolved' ORDER BY id").all(ruleId) as AlertRow[]).map(toAlert);
  }

  setStatus(id: number, status: AlertStatus, now: number, extra: { snoozedUntil?: number | null; resolution?: string | null } = {}): void {
    this.prepare
      (
        `UPDATE alerts SET status = ?, updated_at = ?, snoozed_until = ?,
           acknowledged_at = CASE WHEN ? = 'acknowledged' THEN ? ELSE acknowledged_at END,
           resolved_at = CASE WHEN ? = 'resolved' THEN ? ELSE resolved_at END,
           resolution = CASE WHEN ? = 'resolved' THEN ? ELSE resolution END
         WHERE id = ?`,
      )
      .run(status, now, extra.snoozedUntil ?? null, status, now, status, now, status, extra.resolution ?? null, id);
  }

  dueSnoozed(now: number): number[] {
    return (this.prepare("SELECT id FROM alerts WHERE status = 'snoozed' AND snoozed_until <= ?").all(now) as Array<{ id: number }>).map((r) => r.id);
  }

  delete(ids: number[]): number {
    const st = this.prepare('DELETE FROM alerts WHERE id = ?');
    return this.db.transaction(() => ids.reduce((n, id) => n + st.run(id).changes, 0))();
  }

  stats(): AlertStats {
    const rows = this.prepare('SELECT status, priority, kind, COUNT(*) AS n FROM alerts GROUP BY status, priority, kind').all() as Array<{ status: string; priority: string; kind: string; n: number }>;
    const s: AlertStats = {
      total: 0,
      active: 0,
      acknowledged: 0,
      resolved: 0,
      snoozed: 0,
      byPriority: Object.fromEntries(ALERT_PRIORITIES.map((p) => [p, 0])) as AlertStats['byPriority'],
      byKind: Object.fromEntries(ALERT_KINDS.map((k) => [k, 0])) as AlertStats['byKind'],
    };
    for (const r of rows) {
      s.total += r.n;
      if (r.status === 'active' || r.status === 'acknowledged' || r.status === 'resolved' || r.status === 'snoozed') s[r.status] += r.n;
      if (r.priority in s.byPriority) s.byPriority[r.priority as AlertPriority] += r.n;
      if (r.kind in s.byKind) s.byKind[r.kind as AlertKind] += r.n;
    }
    return s;
  }

  /** Outcomes of signals (newest first) of a channel or strategy: the performance rules' input. */
  lastOutcomes(by: { channel?: number; strategy?: string }, n: number): Array<{ signalId: number; result: string; profitPct: number }> {
    const col = by.channel !== undefined ? 'channel_id' : 'strategy';
    const v = by.channel ?? by.strategy ?? '';
    return (this.prepare(`SELECT signal_id AS signalId, result, profit_pct AS profitPct FROM signal_outcomes WHERE ${col} = ? ORDER BY closed_at DESC, signal_id DESC LIMIT ?`).all(v, n) as Array<{
      signalId: number;
      result: string;
      profitPct: number;
    }>);
  }
}

/** Per-rule evaluation state, one JSON object per rule. */
export class AlertStateRepo {
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
  }
  all(): Map<number, Record<string, unknown>> {
    const rows = this.prepare('SELECT rule_id, state FROM alert_rule_state').all() as Array<{ rule_id: number; state: string }>;
    return new Map(rows.map((r) => [r.rule_id, JSON.parse(r.state) as Record<string, unknown>]));
  }
  set(ruleId: number, state: Record<string, unknown>, now: number): void {
    this.prepare('INSERT INTO alert_rule_state (rule_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(rule_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at').run(ruleId, JSON.stringify(state), now);
  }
}
