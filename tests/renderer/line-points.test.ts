/** Indicator rows → chart points: a session VWAP is broken by whitespace at each UTC-day reset. */
import { describe, expect, it } from 'vitest';
import { columnPoints, resetsBetween } from '../../renderer/src/chart/line-points';

const H = 3_600_000;
const DAY0 = Date.UTC(2026, 0, 5);

describe('line breaks at resets', () => {
  it('VWAP: the first bar of a new UTC day is whitespace; values elsewhere; nulls skipped', () => {
    const rows: Array<[number, number | null]> = [
      [DAY0 + 22 * H, 100],
      [DAY0 + 23 * H, 101],
      [DAY0 + 24 * H, 250],
      [DAY0 + 25 * H, 251],
      [DAY0 + 26 * H, null],
      [DAY0 + 27 * H, 252],
    ];
    const pts = columnPoints('vwap', rows, 1, (time, value) => ({ time, value }));
    expect(pts).toEqual([
      { time: (DAY0 + 22 * H) / 1000, value: 100 },
      { time: (DAY0 + 23 * H) / 1000, value: 101 },
      { time: (DAY0 + 24 * H) / 1000 },
      { time: (DAY0 + 25 * H) / 1000, value: 251 },
      { time: (DAY0 + 27 * H) / 1000, value: 252 },
    ]);
  });
  it('lines that do not reset are never broken', () => {
    const rows: Array<[number, number]> = [
      [DAY0 + 23 * H, 1],
      [DAY0 + 24 * H, 2],
    ];
    expect(columnPoints('ema_9', rows, 1, (time, value) => ({ time, value })).every((p) => 'value' in p)).toBe(true);
    expect(resetsBetween('ema_9', DAY0, DAY0 + 48 * H)).toBe(false);
    expect(resetsBetween('vwap', DAY0 + 23 * H, DAY0 + 24 * H)).toBe(true);
    expect(resetsBetween('vwap', DAY0 + 1 * H, DAY0 + 2 * H)).toBe(false);
  });
});
