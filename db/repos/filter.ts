/**
 * The one small filter builder of list queries: optional conditions become a WHERE clause and its
 * arguments — a condition whose value is undefined, null, false or '' is left out; `true` adds its
 * clause with no argument (`['s.read_at IS NULL', unreadOnly]`) — and each distinct query shape is
 * prepared once per repository.
 */
import type { Database, Statement } from 'better-sqlite3';

export type SqlArg = string | number;

export type Condition = readonly [sql: string, value: SqlArg | boolean | undefined | null];

export interface Where {
  /** " WHERE a = ? AND b >= ?" (with its leading space) or "" */
  sql: string;
  args: SqlArg[];
}

export function where(conditions: ReadonlyArray<Condition>): Where {
  const parts: string[] = [];
  const args: SqlArg[] = [];
  for (const [sql, v] of conditions) {
    if (v === undefined || v === null || v === false || v === '') continue;
    parts.push(sql);
    if (v !== true) args.push(v);
  }
  return { sql: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', args };
}

/** Statements prepared once per distinct SQL text (list queries vary only by which filters are given). */
export class StatementCache {
  private readonly prepare: Prepare;
  constructor(db: Database) {
    this.prepare = preparedOnce(db);
  }
  get<Row>(sql: string): Statement<SqlArg[], Row> {
    return this.prepare<SqlArg[], Row>(sql);
  }
}

/**
 * `db.prepare` that prepares each SQL text once and hands the same statement back after: for a
 * repository whose methods write their SQL inline. (Statements here are never put in pluck, raw
 * or expand mode, nor iterated, so sharing one per text is safe.)
 */
export type Prepare = <P extends unknown[] | object = unknown[], R = unknown>(sql: string) => Statement<P, R>;

export function preparedOnce(db: Database): Prepare {
  const cache = new Map<string, Statement>();
  return (<P extends unknown[] | object, R>(sql: string): Statement<P, R> => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s as unknown as Statement<P, R>;
  }) as Prepare;
}
