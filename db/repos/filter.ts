/**
 * The one small filter builder of list queries: optional conditions become a WHERE clause and its
 * arguments (a condition whose value is undefined, null or '' is left out), and each distinct
 * query shape is prepared once per repository.
 */
import type { Database, Statement } from 'better-sqlite3';

export type Condition = readonly [sql: string, value: unknown];

export interface Where {
  /** "WHERE a = ? AND b >= ?" or "" */
  sql: string;
  args: unknown[];
}

export function where(conditions: ReadonlyArray<Condition>): Where {
  const used = conditions.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return { sql: used.length ? `WHERE ${used.map(([s]) => s).join(' AND ')}` : '', args: used.map(([, v]) => v) };
}

/** Statements prepared once per distinct SQL text (list queries vary only by which filters are given). */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();
  constructor(private readonly db: Database) {}
  get<Row>(sql: string): Statement<unknown[], Row> {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s as Statement<unknown[], Row>;
  }
}
