/** The collector's files: CSV import and export, and checking a replay source's file. */
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../api/errors';
import type { Ohlcv, Timeframe } from '../api/timeframes';
import type { ParsedInput } from '../api/contract';
import type { CandlesRepo } from '../../db/repos/candles';
import { candlesToCsv, parseCandlesCsv } from './csv';

const reason = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export function importCsv(candles: CandlesRepo, i: ParsedInput<'market.import'>): { imported: number; first: number | null; last: number | null } {
  let text: string;
  try {
    text = fs.readFileSync(i.path, 'utf8');
  } catch (e) {
    throw new ApiError('UNPROCESSABLE', `Cannot read ${i.path}: ${reason(e)}`, { path: i.path });
  }
  const { rows, problems } = parseCandlesCsv(text, i.timeframe);
  if (problems.length) {
    const first = problems[0]!;
    throw new ApiError('UNPROCESSABLE', `${path.basename(i.path)} line ${first.line}: ${first.reason}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}; nothing imported`, {
      path: i.path,
      errors: problems,
    });
  }
  candles.upsertMany({ source: i.source, symbol: i.symbol, timeframe: i.timeframe }, rows);
  return { imported: rows.length, first: rows[0]?.[0] ?? null, last: rows[rows.length - 1]?.[0] ?? null };
}

export function exportCsv(i: ParsedInput<'market.export'>, rows: Ohlcv[]): { exported: number; path: string } {
  const target = path.resolve(i.path);
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, candlesToCsv(rows));
    fs.renameSync(tmp, target);
  } catch (e) {
    throw new ApiError('UNPROCESSABLE', `Cannot write ${i.path}: ${reason(e)}`, { path: i.path });
  }
  return { exported: rows.length, path: target };
}

/** A replay source's file must be readable CSV with at least one candle. */
export function checkReplayFile(p: string, tf: Timeframe): void {
  let text: string;
  try {
    text = fs.readFileSync(p, 'utf8');
  } catch (e) {
    throw new ApiError('UNPROCESSABLE', `Cannot read ${p}: ${reason(e)}`, { path: p });
  }
  const { problems, rows } = parseCandlesCsv(text, tf);
  if (problems.length) throw new ApiError('UNPROCESSABLE', `${path.basename(p)} line ${problems[0]!.line}: ${problems[0]!.reason}`, { path: p, errors: problems });
  if (!rows.length) throw new ApiError('UNPROCESSABLE', `${path.basename(p)} has no candles`, { path: p });
}
