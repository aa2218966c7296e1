import type { Database } from 'better-sqlite3';
import type { Notification, NotificationAction, NotificationKind, Severity } from '../../engine/api/commands/notify';

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

export class NotificationsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO notifications (kind, severity, title, body, ref_type, ref_id, actions, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.getStmt = db.prepare<[number], Row>('SELECT * FROM notifications WHERE id = ?');
  }

  insert(n: NewNotification): Notification {
    const r = this.insertStmt.run(n.kind, n.severity, n.title, n.body, n.refType ?? null, n.refId ?? null, JSON.stringify(n.actions ?? []), n.createdAt);
    return this.get(Number(r.lastInsertRowid))!;
  }

  get(id: number): Notification | undefined {
    const r = this.getStmt.get(id);
    return r ? toNotification(r) : undefined;
  }

  list(q: { since?: number; kind?: string; unreadOnly?: boolean; limit?: number }): Notification[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.since !== undefined) {
      where.push('created_at >= ?');
      args.push(q.since);
    }
    if (q.kind) {
      where.push('kind = ?');
      args.push(q.kind);
    }
    if (q.unreadOnly) where.push('read_at IS NULL');
    const sql = `SELECT * FROM notifications ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return this.db.prepare<unknown[], Row>(sql).all(...args, q.limit ?? 200).map(toNotification);
  }

  /** First delivery wins: later channels do not overwrite the recorded latency. */
  markDelivered(ids: readonly number[], channel: string, at: number): number {
    const stmt = this.db.prepare(
      'UPDATE notifications SET delivered_at = ?, delivery_channel = ?, delivery_latency_ms = MAX(0, ? - created_at) WHERE id = ? AND delivered_at IS NULL',
    );
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) n += stmt.run(at, channel, at, id).changes;
    })();
    return n;
  }

  markRead(ids: readonly number[], at: number): number {
    const stmt = this.db.prepare('UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL');
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) n += stmt.run(at, id).changes;
    })();
    return n;
  }

  /** Ids referring to (refType, refId), for invariant checks (e.g. every FAILED intent notified). */
  existsFor(refType: string, refId: string): boolean {
    return this.db.prepare('SELECT 1 FROM notifications WHERE ref_type = ? AND ref_id = ? LIMIT 1').get(refType, refId) !== undefined;
  }
}
