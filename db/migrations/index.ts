/**
 * Numbered migrations in one ordered list. Each runs in a transaction and bumps
 * PRAGMA user_version; numbers must strictly increase; a database written by a newer
 * Signaldesk is refused with a clear error.
 */
import type { Database } from 'better-sqlite3';
import { m001Initial } from './001-initial';
import { m003Notify } from './003-notify';
import { m005Orders } from './005-orders';
import { m006Signals } from './006-signals';
import { m007Collector } from './007-collector';
import { m008CollectorRequests } from './008-collector-requests';
import { m009SeriesCandles } from './009-series-candles';
import { m011Goals } from './011-goals';
import { m012Delivery } from './012-delivery';
import { m014Backtest } from './014-backtest';
import { m016Intake } from './016-intake';
import { m015Alerts } from './015-alerts';
import { m019Watchlists } from './019-watchlists';
import { m021ExtSeries } from './021-ext-series';
import { m022SignalAiReview } from './022-signal-ai-review';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

// New migrations go at the end with the next number: a database already past a number never
// runs a lower one, so a migration may never be inserted before one that has shipped.
export const MIGRATIONS: readonly Migration[] = [
  m001Initial,
  m003Notify,
  m005Orders,
  m006Signals,
  m007Collector,
  m008CollectorRequests,
  m009SeriesCandles,
  m011Goals,
  m012Delivery,
  m014Backtest,
  m015Alerts,
  m016Intake,
  m019Watchlists,
  m021ExtSeries,
  m022SignalAiReview,
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export class DatabaseTooNewError extends Error {
  constructor(found: number, supported: number) {
    super(`This database is at schema version ${found}, newer than this Signaldesk supports (${supported}). Upgrade Signaldesk or use another data directory.`);
    this.name = 'DatabaseTooNewError';
  }
}

export function checkMigrationOrder(list: readonly Migration[]): void {
  let prev = 0;
  for (const m of list) {
    if (!Number.isInteger(m.version) || m.version <= prev) {
      throw new Error(`Migration ${m.name} has version ${m.version}, which does not increase after ${prev}`);
    }
    prev = m.version;
  }
}

/** Applies every pending migration; returns the versions applied. */
export function migrate(db: Database, list: readonly Migration[] = MIGRATIONS): number[] {
  checkMigrationOrder(list);
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = list[list.length - 1]?.version ?? 0;
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  const applied: number[] = [];
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
