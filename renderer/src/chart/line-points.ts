/**
 * Indicator rows → chart points. An indicator that resets (session VWAP starts again each UTC
 * day) is broken at the reset with a whitespace point (a bar without a value), so the line ends
 * and starts again instead of drawing a vertical jump between the sessions.
 */
import type { UTCTimestamp } from 'lightweight-charts';

export type Whitespace = { time: UTCTimestamp };
export type Valued = { time: UTCTimestamp; value: number; color?: string };

const DAY = 86_400_000;

/** Whether a feature starts again between two bars (ms), so the line must not join them. */
export function resetsBetween(name: string, prevTs: number, ts: number): boolean {
  if (name === 'vwap') return Math.floor(prevTs / DAY) !== Math.floor(ts / DAY);
  return false;
}

/**
 * One column of indicator rows as series data, ascending: values where there are numbers,
 * whitespace at the first bar of each new session of a resetting feature.
 */
export function columnPoints<P extends Valued>(name: string, rows: ReadonlyArray<readonly [number, ...(number | null)[]]>, col: number, point: (time: UTCTimestamp, value: number) => P): Array<P | Whitespace> {
  const out: Array<P | Whitespace> = [];
  let prevTs: number | null = null;
  for (const r of rows) {
    const v = r[col];
    if (typeof v !== 'number') continue;
    const time = (r[0] / 1000) as UTCTimestamp;
    out.push(prevTs !== null && resetsBetween(name, prevTs, r[0]) ? { time } : point(time, v));
    prevTs = r[0];
  }
  return out;
}
