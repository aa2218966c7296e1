/** Order intents (the decision records): one row ↔ object mapping, statements prepared once. */
import type { Database, Statement } from 'better-sqlite3';
import type { Decision, IntentOrigin, IntentStatus, OrderIntent, OrderSide, OrderType, ReasonCode } from '../../engine/api/commands/orders';
import { StatementCache, where } from './filter';

interface IntentRow {
  id: number;
  idempotency_key: string;
  account_id: number;
  signal_id: number | null;
  origin: string;
  symbol: string;
  side: string;
  type: string;
  request: string;
  amount: string | null;
  price: string | null;
  stop_price: string | null;
  stop_loss: string | null;
  take_profit: string | null;
  client_order_id: string;
  status: string;
  decision: string | null;
  reason_code: string | null;
  reason_message: string | null;
  exchange_error: string | null;
  order_id: number | null;
  created_at: number;
  decided_at: number | null;
  sizing_factor?: number | null;
  sizing_reason?: string | null;
}

const rowToIntent = (r: IntentRow): OrderIntent => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  accountId: r.account_id,
  signalId: r.signal_id,
  origin: r.origin as IntentOrigin,
  symbol: r.symbol,
  side: r.side as OrderSide,
  type: r.type as OrderType,
  amount: r.amount,
  price: r.price,
  stopPrice: r.stop_price,
  stopLoss: r.stop_loss,
  takeProfit: r.take_profit,
  clientOrderId: r.client_order_id,
  status: r.status as IntentStatus,
  decision: r.decision as Decision | null,
  reasonCode: r.reason_code as ReasonCode | null,
  reasonMessage: r.reason_message,
  exchangeError: r.exchange_error,
  orderId: r.order_id,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
  sizingFactor: r.sizing_factor ?? null,
  sizingReason: r.sizing_reason ?? null,
});

export type NewIntent = Pick<
  OrderIntent,
  'idempotencyKey' | 'accountId' | 'signalId' | 'origin' | 'symbol' | 'side' | 'type' | 'price' | 'stopPrice' | 'stopLoss' | 'takeProfit' | 'clientOrderId' | 'createdAt'
> & { request: unknown; sizingFactor?: number | null; sizingReason?: string | null };

export class IntentsRepo {
  private readonly insertStmt: Statement;
  private readonly byKeyStmt: Statement<[string], IntentRow>;
  private readonly getStmt: Statement<[number], IntentRow>;
  private readonly requestStmt: Statement<[number], { request: string }>;
  private readonly bySignalStmt: Statement<[number], IntentRow>;
  private readonly sendingStmt: Statement;
  private readonly amountStmt: Statement;
  private readonly decideStmt: Statement;
  private readonly undecidedStmt: Statement<[], IntentRow>;
  private readonly countsStmt: Statement<[number], { intents: number; executed: number | null; failed: number | null; skipped: number | null; nulls: number | null }>;
  private readonly nullIdsStmt: Statement<[number, number], { id: number }>;
  private readonly failedIdsStmt: Statement<[number], { id: number }>;
  private readonly lists: StatementCache;

  constructor(db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO order_intents (idempotency_key, account_id, signal_id, origin, symbol, side, type, request, price, stop_price, stop_loss, take_profit, client_order_id, status, created_at, sizing_factor, sizing_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING`,
    );
    this.byKeyStmt = db.prepare('SELECT * FROM order_intents WHERE idempotency_key = ?');
    this.getStmt = db.prepare('SELECT * FROM order_intents WHERE id = ?');
    this.requestStmt = db.prepare('SELECT request FROM order_intents WHERE id = ?');
    this.bySignalStmt = db.prepare('SELECT * FROM order_intents WHERE signal_id = ? ORDER BY id');
    this.sendingStmt = db.prepare("UPDATE order_intents SET status = 'sending', amount = ? WHERE id = ?");
    this.amountStmt = db.prepare('UPDATE order_intents SET amount = ? WHERE id = ?');
    this.decideStmt = db.prepare(
      "UPDATE order_intents SET status = 'done', decision = ?, reason_code = ?, reason_message = ?, exchange_error = ?, order_id = COALESCE(?, order_id), decided_at = ? WHERE id = ?",
    );
    this.undecidedStmt = db.prepare("SELECT * FROM order_intents WHERE status != 'done' ORDER BY id");
    this.countsStmt = db.prepare(
      `SELECT COUNT(*) AS intents, SUM(decision = 'EXECUTED') AS executed, SUM(decision = 'FAILED') AS failed,
              SUM(decision = 'SKIPPED') AS skipped, SUM(decision IS NULL) AS nulls FROM order_intents WHERE created_at >= ?`,
    );
    this.nullIdsStmt = db.prepare('SELECT id FROM order_intents WHERE created_at >= ? AND created_at < ? AND decision IS NULL');
    this.failedIdsStmt = db.prepare("SELECT id FROM order_intents WHERE created_at >= ? AND decision = 'FAILED'");
    this.lists = new StatementCache(db);
  }

  /** Inserts under the UNIQUE key; returns the intent and whether it is new. */
  insertOrGet(n: NewIntent): { intent: OrderIntent; created: boolean } {
    const r = this.insertStmt.run(n.idempotencyKey, n.accountId, n.signalId, n.origin, n.symbol, n.side, n.type, JSON.stringify(n.request), n.price, n.stopPrice, n.stopLoss, n.takeProfit, n.clientOrderId, n.createdAt, n.sizingFactor ?? null, n.sizingReason ?? null);
    return { intent: this.byKey(n.idempotencyKey)!, created: r.changes === 1 };
  }
  byKey(key: string): OrderIntent | undefined {
    const r = this.byKeyStmt.get(key);
    return r ? rowToIntent(r) : undefined;
  }
  get(id: number): OrderIntent | undefined {
    const r = this.getStmt.get(id);
    return r ? rowToIntent(r) : undefined;
  }
  request(id: number): unknown {
    const r = this.requestStmt.get(id);
    return r ? (JSON.parse(r.request) as unknown) : undefined;
  }
  bySignal(signalId: number): OrderIntent[] {
    return this.bySignalStmt.all(signalId).map(rowToIntent);
  }
  setSending(id: number, amount: string | null): void {
    this.sendingStmt.run(amount, id);
  }
  setAmount(id: number, amount: string | null): void {
    this.amountStmt.run(amount, id);
  }
  decide(id: number, d: { decision: Decision; reasonCode: ReasonCode; reasonMessage: string; exchangeError?: string | null; orderId?: number | null }, now: number): void {
    this.decideStmt.run(d.decision, d.reasonCode, d.reasonMessage, d.exchangeError ?? null, d.orderId ?? null, now, id);
  }
  /** Intents accepted but without a decision (crash before or while sending). */
  undecided(): OrderIntent[] {
    return this.undecidedStmt.all().map(rowToIntent);
  }
  list(q: { account?: number; decision?: string; key?: string; since?: number; limit?: number }): OrderIntent[] {
    const w = where([
      ['account_id = ?', q.account],
      ['decision = ?', q.decision],
      ['idempotency_key = ?', q.key],
      ['created_at >= ?', q.since],
    ]);
    return this.lists
      .get<IntentRow>(`SELECT * FROM order_intents ${w.sql} ORDER BY id DESC LIMIT ?`)
      .all(...w.args, q.limit ?? 500)
      .map(rowToIntent);
  }
  counts(since: number): { intents: number; executed: number; failed: number; skipped: number; nullDecisions: number } {
    const r = this.countsStmt.get(since)!;
    return { intents: r.intents, executed: r.executed ?? 0, failed: r.failed ?? 0, skipped: r.skipped ?? 0, nullDecisions: r.nulls ?? 0 };
  }
  nullDecisionIds(since: number, olderThan: number): number[] {
    return this.nullIdsStmt.all(since, olderThan).map((r) => r.id);
  }
  failedIds(since: number): number[] {
    return this.failedIdsStmt.all(since).map((r) => r.id);
  }
}
