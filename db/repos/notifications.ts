import type { Database, Statement } from 'better-sqlite3';
import type { Notification, NotificationAction, NotificationKind, Severity } from '../../engine/api/commands/notify';
import { StatementCache, where } from './filter';

interface Row {
  id: number;
  kind: string;
  severity: string;
  title: string;
  body: string;
  ref_type: string | null;
  ref_id: string | null;
  actions: string;
  created_at: number;
  delivered_at: number | null;
  delivery_channel: string | null;
  delivery_latency_ms: number | null;
  read_at: number | null;
}

const toNotification = (r: Row): Notification => ({
  id: r.id,
  kind: r.kind as NotificationKind,
  severity: r.severity as Severity,
  title: r.title,
  body: r.body,
  refType: r.ref_type,
  refId: r.ref_id,
  actions: JSON.parse(r.actions) as NotificationAction[],
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
  deliveryChannel: r.delivery_channel,
  deliveryLatencyMs: r.delivery_latency_ms,
  readAt: r.read_at,
});

export interface NewNotification {
  kind: NotificationKind;
  severity: Severity;
  title: string;
  body: string;
  refType?: string;
  refId?: string;
  actions?: NotificationAction[];
  createdAt: number;
}

/** The one place a new notification becomes a row. */
const newNotificationToRow = (n: NewNotification): Pick<Row, 'kind' | 'severity' | 'title' | 'body' | 'ref_type' | 'ref_id' | 'actions' | 'created_at'> => ({
  kind: n.kind,
  severity: n.severity,
  title: n.title,
  body: n.body,
  ref_type: n.refType ?? null,
  ref_id: n.refId ?? null,
  actions: JSON.stringify(n.actions ?? []),
  created_at: n.createdAt,
});

export class NotificationsRepo {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[number], Row>;
  private readonly deliveredStmt: Statement<[number, string, number, number]>;
  private readonly readStmt: Statement<[number, number]>;
  private readonly existsStmt: Statement<[string, string]>;
  private readonly lists: StatementCache;
  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO notifications (kind, severity, title, body, ref_type, ref_id, actions, created_at) VALUES (@kind, @severity, @title, @body, @ref_type, @ref_id, @actions, @created_at)',
    );
    this.getStmt = db.prepare('SELECT * FROM notifications WHERE id = ?');
    this.deliveredStmt = db.prepare(
      'UPDATE notifications SET delivered_at = ?, delivery_channel = ?, delivery_latency_ms = MAX(0, ? - created_at) WHERE id = ? AND delivered_at IS NULL',
    );
    this.readStmt = db.prepare('UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL');
    this.existsStmt = db.prepare('SELECT 1 FROM notifications WHERE ref_type = ? AND ref_id = ? LIMIT 1');
    this.lists = new StatementCache(db);
  }

  insert(n: NewNotification): Notification {
    const r = this.insertStmt.run(newNotificationToRow(n));
    return this.get(Number(r.lastInsertRowid))!;
  }

  get(id: number): Notification | undefined {
    const r = this.getStmt.get(id);
    return r ? toNotification(r) : undefined;
  }

  list(q: { since?: number; kind?: string; unreadOnly?: boolean; limit?: number }): Notification[] {
    const f = where([
      ['created_at >= ?', q.since],
      ['kind = ?', q.kind || undefined],
      ['read_at IS NULL', q.unreadOnly === true],
    ]);
    return this.lists
      .get<Row>(`SELECT * FROM notifications${f.sql} ORDER BY id DESC LIMIT ?`)
      .all(...f.args, q.limit ?? 200)
      .map(toNotification);
  }

  /** First delivery wins: later channels do not overwrite the recorded latency. */
  markDelivered(ids: readonly number[], channel: string, at: number): number {
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) n += this.deliveredStmt.run(at, channel, at, id).changes;
    })();
    return n;
  }

  markRead(ids: readonly number[], at: number): number {
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) n += this.readStmt.run(at, id).changes;
    })();
    return n;
  }

  /** Ids referring to (refType, refId), for invariant checks (e.g. every FAILED intent notified). */
  existsFor(refType: string, refId: string): boolean {
    return this.existsStmt.get(refType, refId) !== undefined;
  }
}
