import fs from 'node:fs';
import path from 'node:path';
import type { Ohlcv } from '../../engine/api/timeframes';

/** Real exchange candles kept in the repository (provenance and licences in its README.md). */
export const OHLCV_DIR = path.resolve(__dirname, '../fixtures/ohlcv');

/** Reads one of the real candle files in tests/fixtures/ohlcv. */
export function readOhlcv(name: string): Ohlcv[] {
  const text = fs.readFileSync(path.join(OHLCV_DIR, name), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number) as Ohlcv);
}
