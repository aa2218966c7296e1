/**
 * What the Strategies view reads: tracked outcomes and delivered signals grouped per channel and
 * strategy key (strategy + params, `signals.strategy_key`), and finished backtest runs of a
 * strategy. Read-only; statements prepared once.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { BacktestMetricsView, BacktestRunInput } from '../../engine/api/commands/backtest';
import type { PerformanceRow } from '../../engine/api/commands/signals';
import { OUTCOME_SUMS, outcomePerf, type PerfRow } from './signals';

/** The outcome figures of one (channel, strategy key): the signals performance row's. */
export interface OutcomeSums {
  channelId: number;
  strategyKey: string;
  perf: Omit<PerformanceRow, 'label'>;
}

export interface SignalCounts {
  channelId: number;
  strategyKey: string;
  signals: number;
  firstBar: number;
}

export interface FinishedBacktest {
  id: number;
  input: BacktestRunInput;
  metrics: BacktestMetricsView;
  finishedAt: number | null;
}

interface OutcomeRow extends PerfRow {
  channel_id: number;
}

export class StrategyResultsRepo {
  private readonly outcomesStmt: Statement<[], OutcomeRow>;
  private readonly signalsStmt: Statement<[], { channel_id: number; k: string; n: number; first_bar: number }>;
  private readonly backtestsStmt: Statement<[string, number], { id: number; input: string; metrics: string; finished_at: number | null }>;

  constructor(db: Database) {
    this.outcomesStmt = db.prepare(`SELECT s.channel_id AS channel_id, s.strategy_key AS k, ${OUTCOME_SUMS}
      FROM signal_outcomes o JOIN signals s ON s.id = o.signal_id
      GROUP BY s.channel_id, s.strategy_key`);
    this.signalsStmt = db.prepare(`SELECT channel_id, strategy_key AS k, COUNT(*) AS n, MIN(bar_time) AS first_bar
      FROM signals WHERE status != 'rejected' GROUP BY channel_id, strategy_key`);
    this.backtestsStmt = db.prepare(`SELECT id, input, metrics, finished_at FROM backtest_runs
      WHERE kind = 'run' AND status = 'done' AND metrics IS NOT NULL AND json_extract(input, '$.strategy.id') = ?
      ORDER BY id DESC LIMIT ?`);
  }

  outcomeSums(): OutcomeSums[] {
    return this.outcomesStmt.all().map((r) => ({ channelId: r.channel_id, strategyKey: r.k, perf: outcomePerf(r) }));
  }

  signalCounts(): SignalCounts[] {
    return this.signalsStmt.all().map((r) => ({ channelId: r.channel_id, strategyKey: r.k, signals: r.n, firstBar: r.first_bar }));
  }

  /** Finished single runs of a strategy, newest first. */
  backtests(strategy: string, limit = 500): FinishedBacktest[] {
    return this.backtestsStmt.all(strategy, limit).map((r) => ({
      id: r.id,
      input: JSON.parse(r.input) as BacktestRunInput,
      metrics: JSON.parse(r.metrics) as BacktestMetricsView,
      finishedAt: r.finished_at,
    }));
  }
}
