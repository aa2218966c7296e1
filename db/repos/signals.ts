/**
 * Signals repositories: channels, signals (dedup key UNIQUE (channel, symbol,
 * timeframe, bar time, side)), deliveries with latency, outcomes and the performance query.
 */
import type { Database, Statement } from 'better-sqlite3';
import type {
  SignalAiReview,
  Channel,
  OutcomeResult,
  PerformanceRow,
  Signal,
  SignalOutcome,
  SignalSide,
  SignalStatus,
} from '../../engine/api/commands/signals';
import type { Timeframe } from '../../engine/api/timeframes';
import { StatementCache, where } from './filter';

// ─────────────────────────────── channels ───────────────────────────────

interface ChannelRow {
  id: number;
  name: string;
  enabled: number;
  config: string;
  autopilot: number;
  created_at: number;
  updated_at: number;
}
/** Channel fields kept in the JSON `config` column. */
export type ChannelConfig = Omit<Channel, 'id' | 'name' | 'enabled' | 'autopilot' | 'createdAt' | 'updatedAt' | 'resolvedSymbols'>;
export type ChannelData = Omit<Channel, 'id' | 'createdAt' | 'updatedAt' | 'resolvedSymbols'>;

function toChannel(r: ChannelRow): Channel {
  const c = JSON.parse(r.config) as ChannelConfig;
  return { id: r.id, name: r.name, enabled: r.enabled === 1, autopilot: r.autopilot === 1, aiReview: 'off', ...c, createdAt: r.created_at, updatedAt: r.updated_at };
}
function configOf(d: ChannelData): ChannelConfig {
  const { name: _n, enabled: _e, autopilot: _a, ...config } = d;
  return config;
}

/** The one place a channel becomes a row (the columns besides id and times). */
function channelToRow(d: ChannelData): Pick<ChannelRow, 'name' | 'enabled' | 'config' | 'autopilot'> {
  return { name: d.name, enabled: d.enabled ? 1 : 0, config: JSON.stringify(configOf(d)), autopilot: d.autopilot ? 1 : 0 };
}

export class ChannelsRepo {
  private readonly listStmt: Statement<[], ChannelRow>;
  private readonly getStmt: Statement<[number], ChannelRow>;
  private readonly namesStmt: Statement<[], { id: number; name: string }>;
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly deleteStmt: Statement<[number, number]>;
  constructor(db: Database) {
    this.listStmt = db.prepare('SELECT * FROM signal_channels WHERE deleted_at IS NULL ORDER BY id');
    this.getStmt = db.prepare('SELECT * FROM signal_channels WHERE id = ? AND deleted_at IS NULL');
    this.namesStmt = db.prepare('SELECT id, name FROM signal_channels');
    this.insertStmt = db.prepare('INSERT INTO signal_channels (name, enabled, config, autopilot, created_at, updated_at) VALUES (@name, @enabled, @config, @autopilot, @now, @now)');
    this.updateStmt = db.prepare('UPDATE signal_channels SET name = @name, enabled = @enabled, config = @config, autopilot = @autopilot, updated_at = @now WHERE id = @id');
    this.deleteStmt = db.prepare('UPDATE signal_channels SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL');
  }
  list(): Channel[] {
    return this.listStmt.all().map(toChannel);
  }
  get(id: number): Channel | undefined {
    const r = this.getStmt.get(id);
    return r ? toChannel(r) : undefined;
  }
  /** Name of a channel, deleted ones included (for history). */
  names(): Map<number, string> {
    return new Map(this.namesStmt.all().map((r) => [r.id, r.name]));
  }
  insert(d: ChannelData, now: number): Channel {
    return this.get(Number(this.insertStmt.run({ ...channelToRow(d), now }).lastInsertRowid))!;
  }
  update(id: number, d: ChannelData, now: number): Channel {
    this.updateStmt.run({ ...channelToRow(d), now, id });
    return this.get(id)!;
  }
  delete(id: number, now: number): boolean {
    return this.deleteStmt.run(now, id).changes > 0;
  }
}

// ─────────────────────────────── signals ───────────────────────────────

interface SignalRow {
  id: number;
  channel_id: number;
  autopilot: number;
  source: string;
  symbol: string;
  timeframe: string;
  strategy: string;
  bar_time: number;
  side: string;
  entry: number;
  stop_loss: number;
  take_profit: number;
  confidence: number;
  reasons: string;
  status: string;
  reject_reason: string | null;
  reject_detail: string | null;
  snoozed_until: number | null;
  created_at: number;
  ai_review: string | null;
  o_result: string | null;
  o_exit_price: number | null;
  o_profit_pct: number | null;
  o_bars: number | null;
  o_time: number | null;
  o_closed_at: number | null;
}

function parseReasons(s: string): string[] {
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : [String(v)];
  } catch {
    return s ? [s] : [];
  }
}

function toSignal(r: SignalRow, names?: Map<number, string>): Signal {
  const outcome: SignalOutcome | null =
    r.o_result === null
      ? null
      : { result: r.o_result as OutcomeResult, exitPrice: r.o_exit_price!, profitPct: r.o_profit_pct!, bars: r.o_bars!, timeToOutcomeMs: r.o_time!, closedAt: r.o_closed_at! };
  return {
    id: r.id,
    channelId: r.channel_id,
    autopilot: r.autopilot === 1,
    source: r.source,
    symbol: r.symbol,
    timeframe: r.timeframe as Timeframe,
    strategy: r.strategy,
    barTime: r.bar_time,
    side: r.side as SignalSide,
    entry: r.entry,
    stopLoss: r.stop_loss,
    takeProfit: r.take_profit,
    confidence: r.confidence,
    reasons: parseReasons(r.reasons),
    status: r.status as SignalStatus,
    rejectReason: r.reject_reason,
    createdAt: r.created_at,
    channelName: names?.get(r.channel_id),
    rejectDetail: r.reject_detail,
    snoozedUntil: r.snoozed_until,
    outcome,
    aiReview: r.ai_review === null ? null : (JSON.parse(r.ai_review) as SignalAiReview),
  };
}

const SELECT = `SELECT s.*, o.result AS o_result, o.exit_price AS o_exit_price, o.profit_pct AS o_profit_pct, o.bars AS o_bars,
  o.time_to_outcome_ms AS o_time, o.closed_at AS o_closed_at FROM signals s LEFT JOIN signal_outcomes o ON o.signal_id = s.id`;

export type NewSignal = Pick<
  Signal,
  'channelId' | 'autopilot' | 'source' | 'symbol' | 'timeframe' | 'strategy' | 'barTime' | 'side' | 'entry' | 'stopLoss' | 'takeProfit' | 'confidence' | 'reasons' | 'rejectReason' | 'createdAt'
> & { strategyKey: string; status: 'delivered' | 'rejected'; rejectDetail: string | null; aiReview?: SignalAiReview | null };

export interface SignalQuery {
  channel?: number;
  symbol?: string;
  since?: number;
  status?: SignalStatus;
  limit?: number;
}

/** Per channel: delivered signals and how many were ever acknowledged, executed, snoozed. */
export interface ChannelFunnelRow {
  channelId: number;
  delivered: number;
  acknowledged: number;
  executed: number;
  snoozed: number;
}

export class SignalsRepo {
  private readonly insertStmt: Statement;
  private readonly setStatusStmt: Statement;
  private readonly funnelStmt: Statement<[number], ChannelFunnelRow>;
  private readonly getStmt: Statement<[number], SignalRow>;
  private readonly deliveredSinceStmt: Statement<[number, number, number], { n: number }>;
  private readonly lastDeliveredStmt: Statement<[number, string, string], { bar_time: number }>;
  private readonly dueSnoozedStmt: Statement<[number], { id: number }>;
  private readonly openStmt: Statement<[], SignalRow>;
  private readonly lists: StatementCache;
  constructor(db: Database) {
    this.lists = new StatementCache(db);
    this.dueSnoozedStmt = db.prepare("SELECT id FROM signals WHERE status = 'snoozed' AND snoozed_until <= ?");
    this.openStmt = db.prepare(`${SELECT} WHERE s.status != 'rejected' AND o.result IS NULL ORDER BY s.id`);
    this.insertStmt = db.prepare(`INSERT OR IGNORE INTO signals (channel_id, autopilot, source, symbol, timeframe, strategy, strategy_key, bar_time, side, entry,
      stop_loss, take_profit, confidence, reasons, status, reject_reason, reject_detail, ai_review, created_at, updated_at)
      SELECT @channelId, @autopilot, @source, @symbol, @timeframe, @strategy, @strategyKey, @barTime, @side, @entry, @stopLoss, @takeProfit, @confidence,
      @reasons, @status, @rejectReason, @rejectDetail, @aiReview, @createdAt, @createdAt
      WHERE NOT EXISTS (SELECT 1 FROM signals WHERE channel_id = @channelId AND symbol = @symbol AND timeframe = @timeframe AND bar_time = @barTime AND side = @side)`);
    this.getStmt = db.prepare(`${SELECT} WHERE s.id = ?`);
    this.setStatusStmt = db.prepare(`UPDATE signals SET status = @status, snoozed_until = @snoozedUntil, updated_at = @now,
      acknowledged_at = CASE WHEN @status = 'acknowledged' THEN COALESCE(acknowledged_at, @now) ELSE acknowledged_at END,
      snoozed_at = CASE WHEN @status = 'snoozed' THEN COALESCE(snoozed_at, @now) ELSE snoozed_at END,
      executed_at = CASE WHEN @status = 'executed' THEN COALESCE(executed_at, @now) ELSE executed_at END
      WHERE id = @id`);
    this.funnelStmt = db.prepare(`SELECT channel_id AS channelId, COUNT(*) AS delivered, COUNT(acknowledged_at) AS acknowledged, COUNT(executed_at) AS executed,
      COUNT(snoozed_at) AS snoozed FROM signals WHERE status != 'rejected' AND created_at >= ? GROUP BY channel_id ORDER BY channel_id`);
    this.deliveredSinceStmt = db.prepare("SELECT COUNT(*) AS n FROM signals WHERE channel_id = ? AND bar_time >= ? AND bar_time < ? AND status != 'rejected'");
    this.lastDeliveredStmt = db.prepare(
      "SELECT bar_time FROM signals WHERE channel_id = ? AND symbol = ? AND timeframe = ? AND status != 'rejected' ORDER BY bar_time DESC LIMIT 1",
    );
  }

  /** Inserts unless the dedup key exists; returns the new id, or null for a duplicate. */
  insert(s: NewSignal): number | null {
    const r = this.insertStmt.run({ ...s, autopilot: s.autopilot ? 1 : 0, reasons: JSON.stringify(s.reasons), aiReview: s.aiReview ? JSON.stringify(s.aiReview) : null });
    return r.changes === 0 ? null : Number(r.lastInsertRowid);
  }
  get(id: number, names?: Map<number, string>): Signal | undefined {
    const r = this.getStmt.get(id);
    return r ? toSignal(r, names) : undefined;
  }
  list(q: SignalQuery, names?: Map<number, string>): Signal[] {
    const f = where([
      ['s.channel_id = ?', q.channel],
      ['s.symbol = ?', q.symbol],
      ['s.created_at >= ?', q.since],
      ['s.status = ?', q.status],
    ]);
    return this.lists
      .get<SignalRow>(`${SELECT}${f.sql} ORDER BY s.id DESC LIMIT ?`)
      .all(...f.args, q.limit ?? 500)
      .map((r) => toSignal(r, names));
  }
  /** Changes the status; the first acknowledgement, snooze and execution keep their time (the delivery funnel). */
  setStatus(id: number, status: SignalStatus, now: number, snoozedUntil: number | null = null): void {
    this.setStatusStmt.run({ id, status, snoozedUntil, now });
  }
  funnel(since: number): ChannelFunnelRow[] {
    return this.funnelStmt.all(since);
  }
  /** Non-rejected signals of a channel with bar time in [since, until) (the daily limit). */
  deliveredSince(channelId: number, since: number, until = Number.MAX_SAFE_INTEGER): number {
    return this.deliveredSinceStmt.get(channelId, since, until)?.n ?? 0;
  }
  /** Bar time of the channel's last non-rejected signal on a symbol (the cooldown). */
  lastDeliveredBar(channelId: number, symbol: string, timeframe: string): number | undefined {
    return this.lastDeliveredStmt.get(channelId, symbol, timeframe)?.bar_time;
  }
  dueSnoozed(now: number): number[] {
    return this.dueSnoozedStmt.all(now).map((r) => r.id);
  }
  /** Delivered signals without an outcome yet, oldest first (followed on subsequent bars). */
  open(): Signal[] {
    return this.openStmt.all().map((r) => toSignal(r));
  }
}

// ─────────────────────────── deliveries, outcomes ───────────────────────────

export interface SignalDelivery {
  signalId: number;
  target: string;
  notificationId: number | null;
  deliveredAt: number;
  latencyMs: number;
  ok: boolean;
  error?: string | null;
}
interface DeliveryRow {
  signal_id: number;
  target: string;
  notification_id: number | null;
  delivered_at: number;
  latency_ms: number;
  ok: number;
  error: string | null;
}
function rowToDelivery(r: DeliveryRow): SignalDelivery {
  return { signalId: r.signal_id, target: r.target, notificationId: r.notification_id, deliveredAt: r.delivered_at, latencyMs: r.latency_ms, ok: r.ok === 1, error: r.error };
}
function deliveryToRow(d: SignalDelivery): DeliveryRow {
  return { signal_id: d.signalId, target: d.target, notification_id: d.notificationId, delivered_at: d.deliveredAt, latency_ms: d.latencyMs, ok: d.ok ? 1 : 0, error: d.error ?? null };
}

export class DeliveriesRepo {
  private readonly insertStmt: Statement<[DeliveryRow]>;
  private readonly forSignalStmt: Statement<[number], DeliveryRow>;
  constructor(db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO signal_deliveries (signal_id, target, notification_id, delivered_at, latency_ms, ok, error) VALUES (@signal_id, @target, @notification_id, @delivered_at, @latency_ms, @ok, @error)',
    );
    this.forSignalStmt = db.prepare('SELECT * FROM signal_deliveries WHERE signal_id = ? ORDER BY id');
  }
  insert(d: SignalDelivery): void {
    this.insertStmt.run(deliveryToRow(d));
  }
  forSignal(signalId: number): SignalDelivery[] {
    return this.forSignalStmt.all(signalId).map(rowToDelivery);
  }
}

export interface OutcomeFilter {
  channel?: number;
  strategy?: string;
  since?: number;
}

/** The sums over `signal_outcomes o` that outcomePerf turns into a performance row (select columns). */
export const OUTCOME_SUMS = `COUNT(*) AS count,
        SUM(o.result = 'win') AS wins, SUM(o.result = 'loss') AS losses, SUM(o.result = 'expired') AS expired,
        TOTAL(o.profit_pct) AS sum_profit,
        TOTAL(CASE WHEN o.profit_pct > 0 THEN o.profit_pct END) AS gross_win,
        TOTAL(CASE WHEN o.profit_pct < 0 THEN -o.profit_pct END) AS gross_loss,
        SUM(o.profit_pct > 0) AS n_pos, SUM(o.profit_pct < 0) AS n_neg,
        TOTAL(o.time_to_outcome_ms) AS sum_time`;

export interface PerfRow {
  k: string;
  count: number;
  wins: number;
  losses: number;
  expired: number;
  sum_profit: number;
  gross_win: number;
  gross_loss: number;
  n_pos: number;
  n_neg: number;
  sum_time: number;
}

export class OutcomesRepo {
  private readonly insertStmt: Statement;
  private readonly queries: StatementCache;
  constructor(db: Database) {
    this.insertStmt = db.prepare(
      'INSERT OR IGNORE INTO signal_outcomes (signal_id, channel_id, strategy, result, exit_price, profit_pct, bars, time_to_outcome_ms, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.queries = new StatementCache(db);
  }
  insert(signalId: number, channelId: number, strategy: string, o: SignalOutcome): boolean {
    return this.insertStmt.run(signalId, channelId, strategy, o.result, o.exitPrice, o.profitPct, o.bars, o.timeToOutcomeMs, o.closedAt).changes > 0;
  }

  /** Aggregates grouped by `group` ('channel_id', 'strategy' or a constant). */
  aggregate(group: 'o.channel_id' | 'o.strategy' | "'all'", f: OutcomeFilter): Array<Omit<PerformanceRow, 'label'>> {
    const w = where([
      ['o.channel_id = ?', f.channel],
      ['o.strategy = ?', f.strategy],
      ['s.created_at >= ?', f.since],
    ]);
    const sql = `SELECT CAST(${group} AS TEXT) AS k, ${OUTCOME_SUMS}
      FROM signal_outcomes o JOIN signals s ON s.id = o.signal_id${w.sql} GROUP BY ${group} ORDER BY k`;
    return this.queries
      .get<PerfRow>(sql)
      .all(...w.args)
      .map((r) => outcomePerf(r));
  }
}

/** Win rate, profit factor, expectancy and averages from the OUTCOME_SUMS of a group. */
export function outcomePerf(r: PerfRow): Omit<PerformanceRow, 'label'> {
  const n = r.count;
  const winRate = n ? r.wins / n : 0;
  const avgWin = r.n_pos ? r.gross_win / r.n_pos : 0;
  const avgLoss = r.n_neg ? r.gross_loss / r.n_neg : 0;
  return {
    key: r.k,
    count: n,
    wins: r.wins,
    losses: r.losses,
    expired: r.expired,
    winRate,
    avgProfitPct: n ? r.sum_profit / n : 0,
    profitFactor: r.gross_loss > 0 ? r.gross_win / r.gross_loss : null,
    expectancyPct: n ? (r.n_pos / n) * avgWin - (r.n_neg / n) * avgLoss : 0,
    avgTimeToOutcomeMs: n ? r.sum_time / n : 0,
  };
}
