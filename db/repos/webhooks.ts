/** Webhooks: URL, topics, enabled, and the sealed secret (read only by the delivery engine). */
import type { Database, Statement } from 'better-sqlite3';
import type { Webhook } from '../../engine/api/commands/delivery';

interface WebhookRow {
  id: number;
  url: string;
  secret_sealed: string;
  events: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** A webhook as the engine holds it: with its sealed secret. */
export interface StoredWebhook extends Webhook {
  secretSealed: string;
}

function rowToWebhook(r: WebhookRow): StoredWebhook {
  return {
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as string[],
    enabled: r.enabled === 1,
    hasSecret: true,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    secretSealed: r.secret_sealed,
  };
}
function webhookToRow(w: Pick<StoredWebhook, 'url' | 'events' | 'enabled' | 'secretSealed'>): Pick<WebhookRow, 'url' | 'events' | 'enabled' | 'secret_sealed'> {
  return { url: w.url, events: JSON.stringify(w.events), enabled: w.enabled ? 1 : 0, secret_sealed: w.secretSealed };
}

/** The public shape: no secret. */
export function publicWebhook(w: StoredWebhook): Webhook {
  const { secretSealed: _s, ...pub } = w;
  return pub;
}

export class WebhooksRepo {
  private readonly listStmt: Statement<[], WebhookRow>;
  private readonly getStmt: Statement<[number], WebhookRow>;
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly deleteStmt: Statement<[number]>;
  constructor(db: Database) {
    this.listStmt = db.prepare('SELECT * FROM webhooks ORDER BY id');
    this.getStmt = db.prepare('SELECT * FROM webhooks WHERE id = ?');
    this.insertStmt = db.prepare('INSERT INTO webhooks (url, secret_sealed, events, enabled, created_at, updated_at) VALUES (@url, @secret_sealed, @events, @enabled, @now, @now)');
    this.updateStmt = db.prepare('UPDATE webhooks SET url = @url, secret_sealed = @secret_sealed, events = @events, enabled = @enabled, updated_at = @now WHERE id = @id');
    this.deleteStmt = db.prepare('DELETE FROM webhooks WHERE id = ?');
  }
  list(): StoredWebhook[] {
    return this.listStmt.all().map(rowToWebhook);
  }
  get(id: number): StoredWebhook | undefined {
    const r = this.getStmt.get(id);
    return r ? rowToWebhook(r) : undefined;
  }
  insert(w: Pick<StoredWebhook, 'url' | 'events' | 'enabled' | 'secretSealed'>, now: number): StoredWebhook {
    return this.get(Number(this.insertStmt.run({ ...webhookToRow(w), now }).lastInsertRowid))!;
  }
  update(id: number, w: Pick<StoredWebhook, 'url' | 'events' | 'enabled' | 'secretSealed'>, now: number): StoredWebhook {
    this.updateStmt.run({ ...webhookToRow(w), now, id });
    return this.get(id)!;
  }
  delete(id: number): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }
}
