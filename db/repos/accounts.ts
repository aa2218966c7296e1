/** Trading accounts: one row ↔ object mapping, statements prepared once. Decimal values are TEXT. */
import type { Database, Statement } from 'better-sqlite3';
import type { Account } from '../../engine/api/commands/orders';
import { preparedOnce, type Prepare } from './filter';

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

const rowToAccount = (r: AccountRow): Account => ({
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

/** The fields an update may change, in the engine's names; `risk` is the limits object (stored as JSON). */
export interface AccountPatch {
  name?: string;
  makerFeeBps?: number;
  takerFeeBps?: number;
  slippageBps?: number;
  liveEnabled?: boolean;
  keysEnc?: string;
  urls?: Record<string, string> | null;
  risk?: unknown;
}

/** The only place an account patch meets its columns. */
function patchToColumns(p: AccountPatch): Array<[string, unknown]> {
  const cols: Array<[string, unknown]> = [];
  if (p.name !== undefined) cols.push(['name', p.name]);
  if (p.makerFeeBps !== undefined) cols.push(['maker_fee_bps', p.makerFeeBps]);
  if (p.takerFeeBps !== undefined) cols.push(['taker_fee_bps', p.takerFeeBps]);
  if (p.slippageBps !== undefined) cols.push(['slippage_bps', p.slippageBps]);
  if (p.liveEnabled !== undefined) cols.push(['live_enabled', p.liveEnabled ? 1 : 0]);
  if (p.keysEnc !== undefined) cols.push(['keys_enc', p.keysEnc]);
  if (p.urls !== undefined) cols.push(['urls', p.urls === null ? null : JSON.stringify(p.urls)]);
  if (p.risk !== undefined) cols.push(['risk', JSON.stringify(p.risk)]);
  return cols;
}

export class AccountsRepo {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[number], AccountRow>;
  private readonly listStmt: Statement<[], AccountRow>;
  private readonly defaultStmt: Statement<[], { id: number }>;
  private readonly keysStmt: Statement<[number], { keys_enc: string | null }>;
  private readonly riskStmt: Statement<[number], { risk: string }>;
  private readonly clearDefaultStmt: Statement;
  private readonly setDefaultStmt: Statement;
  private readonly cashStmt: Statement;
  private readonly updateStmts = new Map<string, Statement>();

  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
    this.insertStmt = db.prepare(
      `INSERT INTO accounts (name, kind, exchange, source, quote_currency, maker_fee_bps, taker_fee_bps, slippage_bps, starting_balance, cash, is_default, keys_enc, urls, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.getStmt = db.prepare('SELECT * FROM accounts WHERE id = ?');
    this.listStmt = db.prepare('SELECT * FROM accounts ORDER BY id');
    this.defaultStmt = db.prepare('SELECT id FROM accounts ORDER BY is_default DESC, id ASC LIMIT 1');
    this.keysStmt = db.prepare('SELECT keys_enc FROM accounts WHERE id = ?');
    this.riskStmt = db.prepare('SELECT risk FROM accounts WHERE id = ?');
    this.clearDefaultStmt = db.prepare('UPDATE accounts SET is_default = 0');
    this.setDefaultStmt = db.prepare('UPDATE accounts SET is_default = 1, updated_at = ? WHERE id = ?');
    this.cashStmt = db.prepare('UPDATE accounts SET cash = ? WHERE id = ?');
  }

  /** Inserts an account; `risk` (limits as stored) defaults to the schema's default when not given. */
  insert(a: NewAccount, now: number, risk?: unknown): Account {
    const r = this.insertStmt.run(a.name, a.kind, a.exchange, a.source, a.quoteCurrency, a.makerFeeBps, a.takerFeeBps, a.slippageBps, a.startingBalance, a.startingBalance, a.isDefault ? 1 : 0, a.keysEnc, a.urls ? JSON.stringify(a.urls) : null, now, now);
    const id = Number(r.lastInsertRowid);
    if (risk !== undefined) this.update(id, { risk }, now);
    return this.get(id)!;
  }
  get(id: number): Account | undefined {
    const r = this.getStmt.get(id);
    return r ? rowToAccount(r) : undefined;
  }
  list(): Account[] {
    return this.listStmt.all().map(rowToAccount);
  }
  defaultId(): number | undefined {
    return this.defaultStmt.get()?.id;
  }
  keysEnc(id: number): string | null {
    return this.keysStmt.get(id)?.keys_enc ?? null;
  }
  riskJson(id: number): string {
    return this.riskStmt.get(id)?.risk ?? '{}';
  }
  update(id: number, patch: AccountPatch, now: number): void {
    const cols = patchToColumns(patch);
    if (cols.length === 0) return;
    const sql = `UPDATE accounts SET ${cols.map(([c]) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`;
    let s = this.updateStmts.get(sql);
    if (!s) this.updateStmts.set(sql, (s = this.prepare(sql)));
    s.run(...cols.map(([, v]) => v), now, id);
  }
  setDefault(id: number, now: number): void {
    this.db.transaction(() => {
      this.clearDefaultStmt.run();
      this.setDefaultStmt.run(now, id);
    })();
  }
  setCash(id: number, cash: string): void {
    this.cashStmt.run(cash, id);
  }
}
