/**
 * What the orders area reads of the signals table: a signal by id (through the signals
 * repository, so both areas see one row mapping), and the autopilot signals that have no order
 * intent — the diagnostics' invariant 2 and the start-up recovery after a crash.
 */
import type { Database } from 'better-sqlite3';
import type { Signal } from '../../engine/api/commands/signals';
import { SignalsRepo } from './signals';
import { preparedOnce, type Prepare } from './filter';

export class OrderSignalsReader {
  private readonly signals: SignalsRepo;
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
    this.signals = new SignalsRepo(db);
  }

  get(id: number): Signal | undefined {
    return this.signals.get(id);
  }

  /** Ids of autopilot signals (not rejected) created since `since` that have no order intent. */
  private missingIntent(since: number): number[] {
    return this.prepare
      <[number], { id: number }>(
        `SELECT s.id FROM signals s WHERE s.created_at >= ? AND s.autopilot = 1 AND s.status != 'rejected'
           AND NOT EXISTS (SELECT 1 FROM order_intents i WHERE i.signal_id = s.id) ORDER BY s.id`,
      )
      .all(since)
      .map((r) => r.id);
  }

  /** Autopilot signals (not rejected) created since `since` that have no order intent: a crash came between. */
  autopilotWithoutIntent(since: number): Signal[] {
    return this.missingIntent(since)
      .map((id) => this.get(id))
      .filter((x): x is Signal => x !== undefined);
  }

  /** Counts since `since`, and autopilot signals (not rejected) that have no intent. */
  audit(since: number): { signals: number; missing: number[]; dangling: number[] } {
    const signals = this.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM signals WHERE created_at >= ?').get(since)!.n;
    const dangling = this.prepare
      <[], { id: number }>('SELECT i.id FROM order_intents i WHERE i.signal_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM signals s WHERE s.id = i.signal_id)')
      .all()
      .map((r) => r.id);
    return { signals, missing: this.missingIntent(since), dangling };
  }
}
