import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase, type Database } from '../db/database';
import { CandlesRepo } from '../db/repos/candles';
import type { Ohlcv } from '../engine/api/timeframes';
import { report } from './lib';

const SYMBOLS = 20;
const PER_SYMBOL = 10_000;
const BATCH = 5_000;

/** A bare SQLite file with the store's pragmas and one candle table, written by a plain INSERT. */
function bareStore(file: string, ddl: string, insert: string): { db: Database; write: (sym: number, rows: readonly Ohlcv[]) => void } {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(ddl);
  const stmt = db.prepare(insert);
  const text = (sym: number): unknown[] => ['bench', `S${sym}/USDT`, '1m'];
  const keyed = insert.includes('series_id');
  const write = db.transaction((sym: number, rows: readonly Ohlcv[]) => {
    if (keyed) for (const r of rows) stmt.run(sym + 1, r[0], r[1], r[2], r[3], r[4], r[5]);
    else for (const r of rows) stmt.run(...text(sym), r[0], r[1], r[2], r[3], r[4], r[5]);
  });
  return { db, write };
}

/** Bytes on disk of the candle table (its b-tree pages, with their free space) per stored candle. */
function bytesPerCandle(db: Database, rows: number): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const { bytes } = db.prepare("SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name = 'candles'").get() as { bytes: number };
  return Math.round((bytes / rows) * 10) / 10;
}

/**
 * Candle ingest into real SQLite files (WAL), in 5,000-row transactions. In the same run and
 * interleaved symbol by symbol (so load on the machine hits all alike): the store through
 * CandlesRepo; the raw layout (the same series-id table written by a bare INSERT, no repository);
 * and the text-keyed layout of schema version 8 (source, symbol, timeframe in every row).
 * Then one transaction per row through the repository, the cost of not batching.
 */
export async function ingestBench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-'));
  const db = openDatabase(path.join(dir, 'store.db'));
  const repo = new CandlesRepo(db);
  const raw = bareStore(
    path.join(dir, 'raw.db'),
    `CREATE TABLE candles (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, open REAL NOT NULL, high REAL NOT NULL,
       low REAL NOT NULL, close REAL NOT NULL, volume REAL NOT NULL, PRIMARY KEY (series_id, ts)) WITHOUT ROWID`,
    'INSERT INTO candles (series_id, ts, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const textKeyed = bareStore(
    path.join(dir, 'text.db'),
    `CREATE TABLE candles (source TEXT NOT NULL, symbol TEXT NOT NULL, timeframe TEXT NOT NULL, ts INTEGER NOT NULL,
       open REAL NOT NULL, high REAL NOT NULL, low REAL NOT NULL, close REAL NOT NULL, volume REAL NOT NULL,
       PRIMARY KEY (source, symbol, timeframe, ts)) WITHOUT ROWID`,
    `INSERT INTO candles (source, symbol, timeframe, ts, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (source, symbol, timeframe, ts) DO UPDATE SET open = excluded.open, high = excluded.high,
       low = excluded.low, close = excluded.close, volume = excluded.volume`,
  );
  const rows = (sym: number): Ohlcv[] =>
    Array.from({ length: PER_SYMBOL }, (_, i) => {
      const p = 100 + sym + Math.sin(i / 50) * 5;
      return [1_700_000_000_000 + i * 60_000, p, p + 1, p - 1, p + 0.5, 10 + (i % 7)];
    });
  const data = Array.from({ length: SYMBOLS }, (_, s) => rows(s));

  const ms = { repo: 0, raw: 0, text: 0 };
  const writers: Array<[keyof typeof ms, (s: number, batch: Ohlcv[]) => void]> = [
    ['repo', (s, batch) => repo.upsertMany({ source: 'bench', symbol: `S${s}/USDT`, timeframe: '1m' }, batch)],
    ['raw', (s, batch) => raw.write(s, batch)],
    ['text', (s, batch) => textKeyed.write(s, batch)],
  ];
  for (let s = 0; s < SYMBOLS; s++) {
    for (let w = 0; w < writers.length; w++) {
      const [name, write] = writers[(s + w) % writers.length]!; // rotate who goes first
      const all = data[s]!;
      const t0 = performance.now();
      for (let i = 0; i < all.length; i += BATCH) write(s, all.slice(i, i + BATCH));
      ms[name] += performance.now() - t0;
    }
  }
  const total = SYMBOLS * PER_SYMBOL;
  const rate = (t: number): number => Math.round(total / (t / 1000));

  // One transaction per row (what "no batching" costs), through the repository.
  const single = 5_000;
  const key = { source: 'bench-single', symbol: 'X/USDT', timeframe: '1m' as const };
  const t1 = performance.now();
  for (let i = 0; i < single; i++) repo.upsertMany(key, [data[0]![i]!]);
  const singleRate = single / ((performance.now() - t1) / 1000);

  report({
    bench: 'candle_ingest_sqlite',
    rows: total,
    batch_size: BATCH,
    rows_per_s: rate(ms.repo),
    baseline_one_tx_per_row_rows_per_s: Math.round(singleRate),
    speedup_vs_baseline: Math.round((rate(ms.repo) / singleRate) * 10) / 10,
    ms: Math.round(ms.repo),
  });
  const repoBytes = bytesPerCandle(db, total + single);
  const rawBytes = bytesPerCandle(raw.db, total);
  report({
    bench: 'candle_store_vs_raw',
    rows: total,
    batch_size: BATCH,
    store_rows_per_s: rate(ms.repo),
    raw_rows_per_s: rate(ms.raw),
    store_vs_raw_rate: Math.round((ms.raw / ms.repo) * 100) / 100,
    store_bytes_per_candle: repoBytes,
    raw_bytes_per_candle: rawBytes,
    text_keyed_rows_per_s: rate(ms.text),
    text_keyed_bytes_per_candle: bytesPerCandle(textKeyed.db, total),
    goal: 'store_vs_raw_rate >= 0.9, store_bytes_per_candle <= 60',
    goal_met: ms.raw / ms.repo >= 0.9 && repoBytes <= 60,
  });
  for (const d of [db, raw.db, textKeyed.db]) d.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
