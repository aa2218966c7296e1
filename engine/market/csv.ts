/**
 * CSV candles: `timestamp,open,high,low,close,volume` (ms UTC), an optional header line.
 * Parsing checks every row and reports each bad one by line number and reason; callers write
 * nothing unless the whole file is clean. Reasons never quote a cell: the file may not be a CSV
 * of candles at all (a secrets file), and errors travel to clients.
 */
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';

export interface CsvProblem {
  line: number;
  reason: string;
}

export const CSV_HEADER = 'timestamp,open,high,low,close,volume';

export function parseCandlesCsv(text: string, tf: Timeframe | null, maxProblems = 50): { rows: Ohlcv[]; problems: CsvProblem[] } {
  const rows: Ohlcv[] = [];
  const problems: CsvProblem[] = [];
  const lines = text.split(/\r?\n/);
  let prev = -Infinity;
  const seen = new Set<number>();
  for (let i = 0; i < lines.length && problems.length < maxProblems; i++) {
    const raw = lines[i]!.trim();
    const line = i + 1;
    if (raw === '') continue;
    if (i === 0 && /^[a-z_"]/i.test(raw)) {
      const head = raw.toLowerCase().replace(/"/g, '').replace(/\s/g, '');
      if (head !== CSV_HEADER && !head.startsWith('timestamp,open,high,low,close,volume')) problems.push({ line, reason: `header must be "${CSV_HEADER}"` });
      continue;
    }
    const f = raw.split(',').map((x) => x.trim());
    if (f.length !== 6) {
      problems.push({ line, reason: `expected 6 fields, found ${f.length}` });
      continue;
    }
    const nums = f.map((x) => (x === '' ? NaN : Number(x)));
    const names = ['timestamp', 'open', 'high', 'low', 'close', 'volume'];
    const bad = nums.findIndex((n) => !Number.isFinite(n));
    if (bad >= 0) {
      problems.push({ line, reason: `${names[bad]} is not a number` });
      continue;
    }
    const [ts, o, h, l, c, v] = nums as [number, number, number, number, number, number];
    if (!Number.isInteger(ts) || ts < 0) problems.push({ line, reason: 'timestamp must be whole milliseconds (ms UTC)' });
    else if (ts < 100_000_000_000) problems.push({ line, reason: 'timestamp looks like seconds, not milliseconds' });
    else if (tf && ts % TIMEFRAME_MS[tf] !== 0) problems.push({ line, reason: `timestamp is not on a ${tf} boundary` });
    else if (seen.has(ts)) problems.push({ line, reason: 'duplicate timestamp' });
    else if (ts < prev) problems.push({ line, reason: 'timestamp is earlier than the previous row (rows must be ascending)' });
    else if (o <= 0 || h <= 0 || l <= 0 || c <= 0) problems.push({ line, reason: 'prices must be positive' });
    else if (h < Math.max(o, c, l) || l > Math.min(o, c)) problems.push({ line, reason: 'high/low do not contain open and close' });
    else if (v < 0) problems.push({ line, reason: 'volume must not be negative' });
    else {
      seen.add(ts);
      prev = ts;
      rows.push([ts, o, h, l, c, v]);
    }
  }
  return { rows, problems };
}

export function candlesToCsv(rows: readonly Ohlcv[]): string {
  let out = `${CSV_HEADER}\n`;
  for (const r of rows) out += `${r[0]},${r[1]},${r[2]},${r[3]},${r[4]},${r[5]}\n`;
  return out;
}
