import type { Database } from 'better-sqlite3';
import { preparedOnce, type Prepare } from './filter';

/** One minute's request count of a source ('' feed) or of one feed ("SYMBOL|timeframe"). */
export interface RequestBucket {
  feed: string;
  minute: number;
  n: number;
}

const DAY_MINUTES = 1440;

/** Request counts per minute, kept for a day, so "requests in the last 24 h" survives restarts. */
export class CollectorRequestsRepo {
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
  }

  /** Buckets of a source newer than a day before `nowMinute`. */
  recent(source: string, nowMinute: number): RequestBucket[] {
    return this.prepare
      ('SELECT feed, minute, n FROM collector_requests WHERE source = ? AND minute > ? ORDER BY minute')
      .all(source, nowMinute - DAY_MINUTES) as RequestBucket[];
  }

  /** Stores the buckets' counts (absolute, replacing) and drops everything older than a day. */
  save(source: string, buckets: readonly RequestBucket[], nowMinute: number): void {
    const put = this.prepare(
      'INSERT INTO collector_requests (source, feed, minute, n) VALUES (?, ?, ?, ?) ON CONFLICT (source, feed, minute) DO UPDATE SET n = excluded.n',
    );
    this.db.transaction(() => {
      for (const b of buckets) put.run(source, b.feed, b.minute, b.n);
      this.prepare('DELETE FROM collector_requests WHERE minute <= ?').run(nowMinute - DAY_MINUTES);
    })();
  }

  removeSource(source: string): void {
    this.prepare('DELETE FROM collector_requests WHERE source = ?').run(source);
  }
}
