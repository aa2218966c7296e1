/** The one filter builder of list queries: which conditions make the WHERE, and one statement per shape. */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { preparedOnce, StatementCache, where } from '../../db/repos/filter';

describe('where', () => {
  it('leaves out undefined, null, false and empty values; true adds its clause without an argument', () => {
    expect(where([['a = ?', 1], ['b = ?', undefined], ['c = ?', null], ['d = ?', ''], ['e IS NULL', true], ['f IS NULL', false], ['g >= ?', 'x']])).toEqual({ sql: ' WHERE a = ? AND e IS NULL AND g >= ?', args: [1, 'x'] });
    expect(where([['a = ?', undefined]])).toEqual({ sql: '', args: [] });
    expect(where([['a = ?', 0]])).toEqual({ sql: ' WHERE a = ?', args: [0] });
  });

  it('answers through SQLite, each distinct shape prepared once', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, read_at INTEGER)');
    const ins = db.prepare('INSERT INTO t (k, read_at) VALUES (?, ?)');
    ins.run('a', null);
    ins.run('a', 5);
    ins.run('b', null);
    const cache = new StatementCache(db);
    const list = (k?: string, unread?: boolean) => {
      const w = where([['k = ?', k], ['read_at IS NULL', unread]]);
      return cache.get<{ id: number }>(`SELECT id FROM t${w.sql} ORDER BY id`).all(...w.args).map((r) => r.id);
    };
    expect(list()).toEqual([1, 2, 3]);
    expect(list('a')).toEqual([1, 2]);
    expect(list('a', true)).toEqual([1]);
    expect(list(undefined, true)).toEqual([1, 3]);
    expect(cache.get('SELECT id FROM t WHERE k = ? ORDER BY id')).toBe(cache.get('SELECT id FROM t WHERE k = ? ORDER BY id'));
    db.close();
  });
});

describe('preparedOnce', () => {
  it('prepares each SQL text once and answers with it', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    const prepare = preparedOnce(db);
    const ins = prepare<[number]>('INSERT INTO t (v) VALUES (?)');
    expect(prepare('INSERT INTO t (v) VALUES (?)')).toBe(ins);
    expect(prepare('SELECT v FROM t')).not.toBe(ins);
    ins.run(4);
    prepare<[number]>('INSERT INTO t (v) VALUES (?)').run(7);
    expect(prepare<[], { v: number }>('SELECT v FROM t ORDER BY v').all().map((r) => r.v)).toEqual([4, 7]);
    db.close();
  });
});
