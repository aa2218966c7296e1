import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db/database';
import { CandlesRepo } from '../db/repos/candles';
import type { Ohlcv } from '../engine/api/timeframes';
import { report } from './lib';

/** Candle ingest into a real SQLite file (WAL), batched transactions vs one row per transaction. */
export async function ingestBench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-'));
  const db = openDatabase(path.join(dir, 'bench.db'));
  const repo = new CandlesRepo(db);
  const symbols = 20;
  const perSymbol = 10_000;
  const batch = 5_000;
  const rows = (sym: number): Ohlcv[] =>
    Array.from({ length: perSymbol }, (_, i) => {
      const p = 100 + sym + Math.sin(i / 50) * 5;
      return [1_700_000_000_000 + i * 60_000, p, p + 1, p - 1, p + 0.5, 10 + (i % 7)];
    });
  const data = Array.from({ length: symbols }, (_, s) => rows(s));
  const t0 = performance.now();
  for (let s = 0; s < symbols; s++) {
    const key = { source: 'bench', symbol: `S${s}/USDT`, timeframe: '1m' as const };
    const all = data[s]!;
    for (let i = 0; i < all.length; i += batch) repo.upsertMany(key, all.slice(i, i + batch));
  }
  const batchedMs = performance.now() - t0;
  const total = symbols * perSymbol;
  // Baseline in the same run: one transaction per row (what "no batching" costs).
  const single = 5_000;
  const key = { source: 'bench-single', symbol: 'X/USDT', timeframe: '1m' as const };
  const t1 = performance.now();
  for (let i = 0; i < single; i++) repo.upsertMany(key, [data[0]![i]!]);
  const singleMs = performance.now() - t1;
  const batchedRate = total / (batchedMs / 1000);
  const singleRate = single / (singleMs / 1000);
  report({
    bench: 'candle_ingest_sqlite',
    rows: total,
    batch_size: batch,
    rows_per_s: Math.round(batchedRate),
    baseline_one_tx_per_row_rows_per_s: Math.round(singleRate),
    speedup_vs_baseline: Math.round((batchedRate / singleRate) * 10) / 10,
    ms: Math.round(batchedMs),
  });
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
