/**
 * The one small WHERE builder of list queries: each defined filter value adds its clause and
 * argument; undefined values are skipped.
 */
import type { Database, Statement } from 'better-sqlite3';

export type SqlArg = string | number;

export interface Filter {
  sql: string;
  args: SqlArg[];
}

/** `where([['s.channel_id = ?', q.channel], ['s.status = ?', q.status]])` → ` WHERE …` (or '') with its args. */
export function where(clauses: ReadonlyArray<readonly [string, SqlArg | undefined | null | boolean]>): Filter {
  const parts: string[] = [];
  const args: SqlArg[] = [];
  for (const [sql, v] of clauses) {
    if (v === undefined || v === null || v === false) continue;
    parts.push(sql);
    if (v !== true) args.push(v);
  }
  return { sql: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', args };
}


/** Statements of list queries whose WHERE varies: each distinct SQL is prepared once, then reused. */
export class StatementCache {
  private readonly stmts = new Map<string, Statement>();
  constructor(private readonly db: Database) {}
  get<R>(sql: string): Statement<SqlArg[], R> {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s as Statement<SqlArg[], R>;
  }
}
