/**
 * Repositories of the orders area: accounts, intents, orders, fills, positions and equity
 * snapshots. Decimal values are TEXT; every write that must be atomic runs in a transaction.
 */
import type { Database } from 'better-sqlite3';
import type {
  Account,
  Decision,
  EquitySnapshot,
  Fill,
  IntentOrigin,
  IntentStatus,
  Order,
  OrderIntent,
  OrderRole,
  OrderSide,
  OrderStatus,
  OrderType,
  Position,
  ReasonCode,
} from '../../engine/api/commands/orders';

interface AccountRow {
  id: number;
  name: string;
  kind: 'paper' | 'live';
  exchange: string | null;
  source: string;
  quote_currency: string;
  maker_fee_bps: number;
  taker_fee_bps: number;
  slippage_bps: number;
  starting_balance: string;
  cash: string;
  live_enabled: number;
  is_default: number;
  keys_enc: string | null;
  urls: string | null;
  risk: string;
  created_at: number;
  updated_at: number;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  exchange: r.exchange,
  source: r.source,
  quoteCurrency: r.quote_currency,
  makerFeeBps: r.maker_fee_bps,
  takerFeeBps: r.taker_fee_bps,
  slippageBps: r.slippage_bps,
  startingBalance: r.starting_balance,
  cash: r.cash,
  liveEnabled: r.live_enabled === 1,
  isDefault: r.is_default === 1,
  hasKeys: r.keys_enc !== null,
  urls: r.urls ? (JSON.parse(r.urls) as Record<string, string>) : null,
  createdAt: r.created_at,
});

export type NewAccount = Pick<
  Account,
  'name' | 'kind' | 'exchange' | 'source' | 'quoteCurrency' | 'makerFeeBps' | 'takerFeeBps' | 'slippageBps' | 'startingBalance' | 'urls' | 'isDefault'
> & { keysEnc: string | null };

export class AccountsRepo {
  constructor(private readonly db: Database) {}

  insert(a: NewAccount, now: number): Account {
    const r = this.db
      .prepare(
        `INSERT INTO accounts (name, kind, exchange, source, quote_currency, maker_fee_bps, taker_fee_bps, slippage_bps, starting_balance, cash, is_default, keys_enc, urls, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.name, a.kind, a.exchange, a.source, a.quoteCurrency, a.makerFeeBps, a.takerFeeBps, a.slippageBps, a.startingBalance, a.startingBalance, a.isDefault ? 1 : 0, a.keysEnc, a.urls ? JSON.stringify(a.urls) : null, now, now);
    return this.get(Number(r.lastInsertRowid))!;
  }
  get(id: number): Account | undefined {
    const r = this.db.prepare<[number], AccountRow>('SELECT * FROM accounts WHERE id = ?').get(id);
    return r ? toAccount(r) : undefined;
  }
  list(): Account[] {
    return this.db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY id').all().map(toAccount);
  }
  defaultId(): number | undefined {
    const r = this.db.prepare<[], { id: number }>('SELECT id FROM accounts ORDER BY is_default DESC, id ASC LIMIT 1').get();
    return r?.id;
  }
  keysEnc(id: number): string | null {
    return this.db.prepare<[number], { keys_enc: string | null }>('SELECT keys_enc FROM accounts WHERE id = ?').get(id)?.keys_enc ?? null;
  }
  riskJson(id: number): string {
    return this.db.prepare<[number], { risk: string }>('SELECT risk FROM accounts WHERE id = ?').get(id)?.risk ?? '{}';
  }
  update(id: number, patch: Partial<Record<'name' | 'maker_fee_bps' | 'taker_fee_bps' | 'slippage_bps' | 'live_enabled' | 'is_default' | 'keys_enc' | 'urls' | 'risk' | 'cash', unknown>>, now: number): void {
    const cols = Object.keys(patch);
    if (cols.length === 0) return;
    const set = cols.map((c) => `${c} = ?`).join(', ');
    this.db.prepare(`UPDATE accounts SET ${set}, updated_at = ? WHERE id = ?`).run(...cols.map((c) => patch[c as keyof typeof patch]), now, id);
  }
  setDefault(id: number, now: number): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE accounts SET is_default = 0').run();
      this.db.prepare('UPDATE accounts SET is_default = 1, updated_at = ? WHERE id = ?').run(now, id);
    })();
  }
  setCash(id: number, cash: string): void {
    this.db.prepare('UPDATE accounts SET cash = ? WHERE id = ?').run(cash, id);
  }
}

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

const toIntent = (r: IntentRow): OrderIntent => ({
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
  private readonly insertStmt;
  private readonly byKeyStmt;
  private readonly getStmt;
  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO order_intents (idempotency_key, account_id, signal_id, origin, symbol, side, type, request, price, stop_price, stop_loss, take_profit, client_order_id, status, created_at, sizing_factor, sizing_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING`,
    );
    this.byKeyStmt = db.prepare<[string], IntentRow>('SELECT * FROM order_intents WHERE idempotency_key = ?');
    this.getStmt = db.prepare<[number], IntentRow>('SELECT * FROM order_intents WHERE id = ?');
  }

  /** Inserts under the UNIQUE key; returns the intent and whether it is new. */
  insertOrGet(n: NewIntent): { intent: OrderIntent; created: boolean } {
    const r = this.insertStmt.run(n.idempotencyKey, n.accountId, n.signalId, n.origin, n.symbol, n.side, n.type, JSON.stringify(n.request), n.price, n.stopPrice, n.stopLoss, n.takeProfit, n.clientOrderId, n.createdAt, n.sizingFactor ?? null, n.sizingReason ?? null);
    return { intent: this.byKey(n.idempotencyKey)!, created: r.changes === 1 };
  }
  byKey(key: string): OrderIntent | undefined {
    const r = this.byKeyStmt.get(key);
    return r ? toIntent(r) : undefined;
  }
  get(id: number): OrderIntent | undefined {
    const r = this.getStmt.get(id);
    return r ? toIntent(r) : undefined;
  }
  request(id: number): unknown {
    const r = this.db.prepare<[number], { request: string }>('SELECT request FROM order_intents WHERE id = ?').get(id);
    return r ? (JSON.parse(r.request) as unknown) : undefined;
  }
  bySignal(signalId: number): OrderIntent[] {
    return this.db.prepare<[number], IntentRow>('SELECT * FROM order_intents WHERE signal_id = ? ORDER BY id').all(signalId).map(toIntent);
  }
  setSending(id: number, amount: string | null): void {
    this.db.prepare("UPDATE order_intents SET status = 'sending', amount = ? WHERE id = ?").run(amount, id);
  }
  setAmount(id: number, amount: string | null): void {
    this.db.prepare('UPDATE order_intents SET amount = ? WHERE id = ?').run(amount, id);
  }
  decide(id: number, d: { decision: Decision; reasonCode: ReasonCode; reasonMessage: string; exchangeError?: string | null; orderId?: number | null }, now: number): void {
    this.db
      .prepare("UPDATE order_intents SET status = 'done', decision = ?, reason_code = ?, reason_message = ?, exchange_error = ?, order_id = COALESCE(?, order_id), decided_at = ? WHERE id = ?")
      .run(d.decision, d.reasonCode, d.reasonMessage, d.exchangeError ?? null, d.orderId ?? null, now, id);
  }
  /** Intents accepted but without a decision (crash before or while sending). */
  undecided(): OrderIntent[] {
    return this.db.prepare<[], IntentRow>("SELECT * FROM order_intents WHERE status != 'done' ORDER BY id").all().map(toIntent);
  }
  list(q: { account?: number; decision?: string; key?: string; since?: number; limit?: number }): OrderIntent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.account !== undefined) {
      where.push('account_id = ?');
      args.push(q.account);
    }
    if (q.decision) {
      where.push('decision = ?');
      args.push(q.decision);
    }
    if (q.key) {
      where.push('idempotency_key = ?');
      args.push(q.key);
    }
    if (q.since !== undefined) {
      where.push('created_at >= ?');
      args.push(q.since);
    }
    const sql = `SELECT * FROM order_intents ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return this.db.prepare<unknown[], IntentRow>(sql).all(...args, q.limit ?? 500).map(toIntent);
  }
  counts(since: number): { intents: number; executed: number; failed: number; skipped: number; nullDecisions: number } {
    const r = this.db
      .prepare<[number], { intents: number; executed: number | null; failed: number | null; skipped: number | null; nulls: number | null }>(
        `SELECT COUNT(*) AS intents, SUM(decision = 'EXECUTED') AS executed, SUM(decision = 'FAILED') AS failed,
                SUM(decision = 'SKIPPED') AS skipped, SUM(decision IS NULL) AS nulls FROM order_intents WHERE created_at >= ?`,
      )
      .get(since)!;
    return { intents: r.intents, executed: r.executed ?? 0, failed: r.failed ?? 0, skipped: r.skipped ?? 0, nullDecisions: r.nulls ?? 0 };
  }
  nullDecisionIds(since: number, olderThan: number): number[] {
    return this.db
      .prepare<[number, number], { id: number }>('SELECT id FROM order_intents WHERE created_at >= ? AND created_at < ? AND decision IS NULL')
      .all(since, olderThan)
      .map((r) => r.id);
  }
  failedIds(since: number): number[] {
    return this.db.prepare<[number], { id: number }>("SELECT id FROM order_intents WHERE created_at >= ? AND decision = 'FAILED'").all(since).map((r) => r.id);
  }
}

interface OrderRow {
  id: number;
  intent_id: number | null;
  account_id: number;
  client_order_id: string;
  exchange_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  role: string;
  amount: string;
  price: string | null;
  stop_price: string | null;
  status: string;
  triggered: number;
  filled: string;
  avg_price: string | null;
  fee: string;
  oco_group: string | null;
  created_at: number;
  updated_at: number;
}

const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  intentId: r.intent_id,
  accountId: r.account_id,
  clientOrderId: r.client_order_id,
  exchangeOrderId: r.exchange_order_id,
  symbol: r.symbol,
  side: r.side as OrderSide,
  type: r.type as OrderType,
  role: r.role as OrderRole,
  amount: r.amount,
  price: r.price,
  stopPrice: r.stop_price,
  status: r.status as OrderStatus,
  triggered: r.triggered === 1,
  filled: r.filled,
  avgPrice: r.avg_price,
  fee: r.fee,
  ocoGroup: r.oco_group,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type NewOrder = Pick<
  Order,
  'intentId' | 'accountId' | 'clientOrderId' | 'exchangeOrderId' | 'symbol' | 'side' | 'type' | 'role' | 'amount' | 'price' | 'stopPrice' | 'status' | 'ocoGroup'
>;

export class OrdersRepo {
  constructor(private readonly db: Database) {}
  insert(o: NewOrder, now: number): Order {
    const r = this.db
      .prepare(
        `INSERT INTO orders (intent_id, account_id, client_order_id, exchange_order_id, symbol, side, type, role, amount, price, stop_price, status, oco_group, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(o.intentId, o.accountId, o.clientOrderId, o.exchangeOrderId, o.symbol, o.side, o.type, o.role, o.amount, o.price, o.stopPrice, o.status, o.ocoGroup, now, now);
    return this.get(Number(r.lastInsertRowid))!;
  }
  get(id: number): Order | undefined {
    const r = this.db.prepare<[number], OrderRow>('SELECT * FROM orders WHERE id = ?').get(id);
    return r ? toOrder(r) : undefined;
  }
  byClientId(cid: string): Order | undefined {
    const r = this.db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE client_order_id = ?').get(cid);
    return r ? toOrder(r) : undefined;
  }
  open(accountId?: number): Order[] {
    const rows =
      accountId === undefined
        ? this.db.prepare<[], OrderRow>("SELECT * FROM orders WHERE status = 'open' ORDER BY id").all()
        : this.db.prepare<[number], OrderRow>("SELECT * FROM orders WHERE status = 'open' AND account_id = ? ORDER BY id").all(accountId);
    return rows.map(toOrder);
  }
  byOco(group: string): Order[] {
    return this.db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE oco_group = ? ORDER BY id').all(group).map(toOrder);
  }
  update(id: number, p: { status?: OrderStatus; filled?: string; avgPrice?: string | null; fee?: string; triggered?: boolean; exchangeOrderId?: string | null; type?: OrderType }, now: number): Order {
    const cur = this.get(id)!;
    this.db
      .prepare('UPDATE orders SET status = ?, filled = ?, avg_price = ?, fee = ?, triggered = ?, exchange_order_id = ?, type = ?, updated_at = ? WHERE id = ?')
      .run(
        p.status ?? cur.status,
        p.filled ?? cur.filled,
        p.avgPrice !== undefined ? p.avgPrice : cur.avgPrice,
        p.fee ?? cur.fee,
        (p.triggered ?? cur.triggered) ? 1 : 0,
        p.exchangeOrderId !== undefined ? p.exchangeOrderId : cur.exchangeOrderId,
        p.type ?? cur.type,
        now,
        id,
      );
    return this.get(id)!;
  }
  list(q: { account?: number; status?: string; symbol?: string; since?: number; limit?: number }): Order[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.account !== undefined) {
      where.push('account_id = ?');
      args.push(q.account);
    }
    if (q.status) {
      where.push('status = ?');
      args.push(q.status);
    }
    if (q.symbol) {
      where.push('symbol = ?');
      args.push(q.symbol);
    }
    if (q.since !== undefined) {
      where.push('created_at >= ?');
      args.push(q.since);
    }
    const sql = `SELECT * FROM orders ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return this.db.prepare<unknown[], OrderRow>(sql).all(...args, q.limit ?? 500).map(toOrder);
  }
}

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
const toFill = (r: FillRow): Fill => ({
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

export class FillsRepo {
  constructor(private readonly db: Database) {}
  insert(f: Omit<Fill, 'id'>): Fill {
    const r = this.db
      .prepare('INSERT INTO fills (order_id, account_id, symbol, side, amount, price, fee, realized_pnl, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(f.orderId, f.accountId, f.symbol, f.side, f.amount, f.price, f.fee, f.realizedPnl, f.ts);
    return { ...f, id: Number(r.lastInsertRowid) };
  }
  list(q: { account?: number; symbol?: string; since?: number; limit?: number }): Fill[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.account !== undefined) {
      where.push('account_id = ?');
      args.push(q.account);
    }
    if (q.symbol) {
      where.push('symbol = ?');
      args.push(q.symbol);
    }
    if (q.since !== undefined) {
      where.push('ts >= ?');
      args.push(q.since);
    }
    const sql = `SELECT * FROM fills ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return this.db.prepare<unknown[], FillRow>(sql).all(...args, q.limit ?? 500).map(toFill);
  }
}

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
const toPos = (r: PosDbRow): PositionRow => ({
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
  constructor(private readonly db: Database) {}
  get(accountId: number, symbol: string): PositionRow | undefined {
    const r = this.db.prepare<[number, string], PosDbRow>('SELECT * FROM positions WHERE account_id = ? AND symbol = ?').get(accountId, symbol);
    return r ? toPos(r) : undefined;
  }
  /** Open positions (qty ≠ 0). */
  list(accountId?: number): PositionRow[] {
    const rows =
      accountId === undefined
        ? this.db.prepare<[], PosDbRow>("SELECT * FROM positions WHERE qty != '0' ORDER BY symbol").all()
        : this.db.prepare<[number], PosDbRow>("SELECT * FROM positions WHERE account_id = ? AND qty != '0' ORDER BY symbol").all(accountId);
    return rows.map(toPos);
  }
  upsert(p: PositionRow): void {
    this.db
      .prepare(
        `INSERT INTO positions (account_id, symbol, qty, avg_entry, realized_pnl, fees, stop_loss, take_profit, opened_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(account_id, symbol) DO UPDATE SET qty = excluded.qty, avg_entry = excluded.avg_entry, realized_pnl = excluded.realized_pnl, fees = excluded.fees,
           stop_loss = excluded.stop_loss, take_profit = excluded.take_profit, opened_at = excluded.opened_at, updated_at = excluded.updated_at`,
      )
      .run(p.accountId, p.symbol, p.qty, p.avgEntry, p.realizedPnl, p.fees, p.stopLoss, p.takeProfit, p.openedAt, p.updatedAt);
  }
}

export class EquityRepo {
  constructor(private readonly db: Database) {}
  insert(s: EquitySnapshot): void {
    this.db
      .prepare('INSERT INTO equity_snapshots (account_id, ts, equity, cash, unrealized_pnl) VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id, ts) DO UPDATE SET equity = excluded.equity, cash = excluded.cash, unrealized_pnl = excluded.unrealized_pnl')
      .run(s.accountId, s.ts, s.equity, s.cash, s.unrealizedPnl);
  }
  list(accountId: number, since = 0, limit = 2000): EquitySnapshot[] {
    return this.db
      .prepare<[number, number, number], { account_id: number; ts: number; equity: string; cash: string; unrealized_pnl: string }>(
        'SELECT * FROM (SELECT * FROM equity_snapshots WHERE account_id = ? AND ts >= ? ORDER BY ts DESC LIMIT ?) ORDER BY ts ASC',
      )
      .all(accountId, since, limit)
      .map((r) => ({ accountId: r.account_id, ts: r.ts, equity: r.equity, cash: r.cash, unrealizedPnl: r.unrealized_pnl }));
  }
  /** Equities since `since` (for the month's peak and the day's start). */
  equities(accountId: number, since: number): Array<{ ts: number; equity: string }> {
    return this.db.prepare<[number, number], { ts: number; equity: string }>('SELECT ts, equity FROM equity_snapshots WHERE account_id = ? AND ts >= ? ORDER BY ts').all(accountId, since);
  }
  firstSince(accountId: number, since: number): string | undefined {
    return this.db.prepare<[number, number], { equity: string }>('SELECT equity FROM equity_snapshots WHERE account_id = ? AND ts >= ? ORDER BY ts ASC LIMIT 1').get(accountId, since)?.equity;
  }
}
