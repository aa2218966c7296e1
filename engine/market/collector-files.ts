/**
 * The collector's files: CSV import and export, and checking a replay source's file. Every path
 * goes through the file policy (engine/files/policy.ts): regular files inside the data
 * directory's imports/ and exports/ folders or folders the user allowed, size-capped reads off
 * the event loop, and exports that never replace the database, the token, key files or an
 * existing file unless asked.
 */
import path from 'node:path';
import { ApiError } from '../api/errors';
import type { Ohlcv, Timeframe } from '../api/timeframes';
import type { ParsedInput } from '../api/contract';
import type { CandlesRepo } from '../../db/repos/candles';
import type { FilePolicy } from '../files/policy';
import { candlesToCsv, parseCandlesCsv } from './csv';

export async function importCsv(files: FilePolicy, candles: CandlesRepo, i: ParsedInput<'market.import'>): Promise<{ imported: number; first: number | null; last: number | null }> {
  const { text } = await files.readText(i.path);
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

/** The export's target, checked before any rows are gathered. */
export function exportTarget(files: FilePolicy, i: ParsedInput<'market.export'>): string {
  return files.resolveWrite(i.path, i.overwrite ?? false);
}

export async function exportCsv(files: FilePolicy, i: ParsedInput<'market.export'>, rows: Ohlcv[], target: string): Promise<{ exported: number; path: string }> {
  await files.writeText(target, candlesToCsv(rows), i.overwrite ?? false, i.path);
  return { exported: rows.length, path: target };
}

/** A replay source's file must be readable CSV with at least one candle. */
export async function checkReplayFile(files: FilePolicy, p: string, tf: Timeframe): Promise<void> {
  const { text } = await files.readText(p);
  const { problems, rows } = parseCandlesCsv(text, tf);
  if (problems.length) throw new ApiError('UNPROCESSABLE', `${path.basename(p)} line ${problems[0]!.line}: ${problems[0]!.reason}`, { path: p, errors: problems });
  if (!rows.length) throw new ApiError('UNPROCESSABLE', `${path.basename(p)} has no candles`, { path: p });
}
