/**
 * Read-only access from the orders area to the signals table of issue 4 (columns as agreed:
 * id, channel_id, autopilot, source, symbol, timeframe, strategy, bar_time, side, entry,
 * stop_loss, take_profit, confidence, reasons, status, reject_reason, created_at). Tolerates
 * the table not existing yet (then there are no signals).
 */
import type { Database } from 'better-sqlite3';
import type { Signal, SignalSide, SignalStatus } from '../../engine/api/commands/signals';
import type { Timeframe } from '../../engine/api/timeframes';

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
  created_at: number;
}

export class OrderSignalsReader {
  constructor(private readonly db: Database) {}

  exists(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'signals'").get() !== undefined;
  }

  get(id: number): Signal | undefined {
    if (!this.exists()) return undefined;
    const r = this.db.prepare<[number], SignalRow>('SELECT * FROM signals WHERE id = ?').get(id);
    if (!r) return undefined;
    let reasons: string[] = [];
    try {
      const parsed: unknown = JSON.parse(r.reasons);
      reasons = Array.isArray(parsed) ? parsed.map(String) : [String(r.reasons)];
    } catch {
      reasons = r.reasons ? [r.reasons] : [];
    }
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
      reasons,
      status: r.status as SignalStatus,
      rejectReason: r.reject_reason,
      createdAt: r.created_at,
    };
  }

  /** Autopilot signals (not rejected) created since `since` that have no order intent: a crash came between. */
  autopilotWithoutIntent(since: number): Signal[] {
    if (!this.exists()) return [];
    return this.db
      .prepare<[number], { id: number }>(
        `SELECT s.id FROM signals s WHERE s.created_at >= ? AND s.autopilot = 1 AND s.status != 'rejected'
           AND NOT EXISTS (SELECT 1 FROM order_intents i WHERE i.signal_id = s.id) ORDER BY s.id`,
      )
      .all(since)
      .map((r) => this.get(r.id)!)
      .filter(Boolean);
  }

  /** Counts since `since`, and autopilot signals (not rejected) that have no intent. */
  audit(since: number): { signals: number; missing: number[]; dangling: number[] } {
    if (!this.exists()) {
      const dangling = this.db.prepare<[], { id: number }>('SELECT id FROM order_intents WHERE signal_id IS NOT NULL').all().map((r) => r.id);
      return { signals: 0, missing: [], dangling };
    }
    const signals = this.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM signals WHERE created_at >= ?').get(since)!.n;
    const missing = this.db
      .prepare<[number], { id: number }>(
        `SELECT s.id FROM signals s WHERE s.created_at >= ? AND s.autopilot = 1 AND s.status != 'rejected'
           AND NOT EXISTS (SELECT 1 FROM order_intents i WHERE i.signal_id = s.id)`,
      )
      .all(since)
      .map((r) => r.id);
    const dangling = this.db
      .prepare<[], { id: number }>('SELECT i.id FROM order_intents i WHERE i.signal_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM signals s WHERE s.id = i.signal_id)')
      .all()
      .map((r) => r.id);
    return { signals, missing, dangling };
  }
}
