/**
 * A series is judged against what can be expected of it: a point per poll, or — when its points
 * come less often than the source asks (an hourly index polled every minute, funding every 8 h) —
 * a point per its own average gap. An hourly figure 40 minutes old is fresh, not stale.
 */
import { describe, expect, it } from 'vitest';
import { seriesFreshness } from '../../engine/market/series/series-collector';

const MIN = 60_000;
const H = 60 * MIN;
const NOW = 1_780_000_000_000;

describe('series freshness', () => {
  it('has none without a point', () => {
    expect(seriesFreshness({ last: null, first: null, points: 0 }, MIN, NOW)).toBe('none');
  });

  it('judges a series with a point per poll against the poll interval', () => {
    const every = (ageMin: number) => seriesFreshness({ first: NOW - 100 * MIN, last: NOW - ageMin * MIN, points: 101 - ageMin }, MIN, NOW);
    expect(every(1)).toBe('fresh');
    expect(every(4)).toBe('aging');
    expect(every(6)).toBe('stale');
  });

  it('judges an hourly series polled every minute against its hourly cadence', () => {
    // 24 hourly points, the newest 40 min old.
    const hourly = (ageMin: number) => seriesFreshness({ first: NOW - ageMin * MIN - 23 * H, last: NOW - ageMin * MIN, points: 24 }, MIN, NOW);
    expect(hourly(40)).toBe('fresh');
    expect(hourly(3 * 60)).toBe('aging');
    expect(hourly(6 * 60)).toBe('stale');
  });

  it('judges funding (every 8 h) polled every 5 minutes against 8 h', () => {
    const funding = (ageH: number) => seriesFreshness({ first: NOW - ageH * H - 9 * 8 * H, last: NOW - ageH * H, points: 10 }, 5 * MIN, NOW);
    expect(funding(7)).toBe('fresh');
    expect(funding(30)).toBe('aging');
    expect(funding(50)).toBe('stale');
  });

  it('falls back to the poll interval with a single point', () => {
    expect(seriesFreshness({ first: NOW - 3 * MIN, last: NOW - 3 * MIN, points: 1 }, MIN, NOW)).toBe('aging');
  });
});
