import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { CandlesRepo } from '../../db/repos/candles';
import { SimSeries, simSymbols, DEFAULT_SIM_SYMBOLS } from '../../engine/market/sim';
import { SimSource } from '../../engine/market/sim-source';
import type { Ohlcv } from '../../engine/api/timeframes';

const T0 = Date.UTC(2026, 0, 1);

function run(seed: number, slices: number[], spec = DEFAULT_SIM_SYMBOLS[0]!): Ohlcv[] {
  const s = new SimSeries(spec, 0, seed, T0);
  const out: Ohlcv[] = [];
  for (const until of slices) s.advance(until, (b) => out.push([...b] as Ohlcv));
  return out;
}

describe('sim market', () => {
  it('is deterministic from its seed, however the clock is sliced into ticks', () => {
    const end = T0 + 6 * 3_600_000;
    const coarse = run(7, [end]);
    const fine: number[] = [];
    for (let t = T0 + 1_234; t <= end; t += 17_321) fine.push(t);
    fine.push(end);
    expect(run(7, fine)).toEqual(coarse);
    expect(coarse.length).toBe(360);
    expect(run(8, [end])).not.toEqual(coarse);
  });

  it('produces valid bars: low ≤ open, close ≤ high, positive volume, one bar per minute', () => {
    for (const spec of DEFAULT_SIM_SYMBOLS) {
      const bars = run(42, [T0 + 24 * 3_600_000], spec);
      expect(bars.length).toBe(1440);
      bars.forEach((b, i) => {
        expect(b[0]).toBe(T0 + i * 60_000);
        expect(b[3]).toBeLessThanOrEqual(Math.min(b[1], b[4]));
        expect(b[2]).toBeGreaterThanOrEqual(Math.max(b[1], b[4]));
        expect(b[5]).toBeGreaterThan(0);
        if (i > 0) expect(b[1]).toBe(bars[i - 1]![4]);
      });
    }
  });

  it('gives symbols different behaviour: ranging symbols stay near their anchor, volatile ones move more', () => {
    const days = 20;
    const stat = (spec: (typeof DEFAULT_SIM_SYMBOLS)[number]) => {
      const bars = run(42, [T0 + days * 86_400_000], spec);
      const rets = bars.slice(1).map((b, i) => Math.log(b[4] / bars[i]![4]));
      const sd = Math.sqrt(rets.reduce((a, r) => a + r * r, 0) / rets.length);
      const drift = Math.abs(Math.log(bars[bars.length - 1]![4] / spec.basePrice));
      return { sd, drift };
    };
    const bnb = stat(DEFAULT_SIM_SYMBOLS.find((s) => s.behaviour === 'range')!);
    const sol = stat(DEFAULT_SIM_SYMBOLS.find((s) => s.symbol === 'SOL/USDT')!);
    expect(sol.sd).toBeGreaterThan(bnb.sd);
    expect(bnb.drift).toBeLessThan(0.15);
  });

  it('extends the default list with generated symbols', () => {
    const list = simSymbols(200);
    expect(list).toHaveLength(200);
    expect(new Set(list.map((s) => s.symbol)).size).toBe(200);
    expect(list[199]!.symbol).toBe('SIM200/USDT');
  });

  it('back-fills history on first start and resumes without gaps or duplicates after a restart', () => {
    const db = openDatabase(':memory:');
    const repo = new CandlesRepo(db);
    let now = T0 + 3 * 3_600_000 + 12_345;
    const opts = { id: 'sim', seed: 42, speed: 1, symbolCount: 2, historyDays: 0.125, now: () => now };
    const a = new SimSource(opts, repo);
    const written = a.backfill();
    expect(written).toBe(2 * 180);
    now += 10 * 60_000;
    const { closed } = a.tick();
    expect(closed.filter((e) => e.timeframe === '1m')).toHaveLength(20);
    // Restart 30 minutes later: the gap is back-filled from the last stored bar.
    now += 30 * 60_000;
    const b = new SimSource(opts, repo);
    b.backfill();
    const key = { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m' as const };
    const rows = repo.range(key, 5000, 0);
    for (let i = 1; i < rows.length; i++) expect(rows[i]![0] - rows[i - 1]![0]).toBe(60_000);
    expect(rows[rows.length - 1]![0]).toBe(Math.floor(now / 60_000) * 60_000 - 60_000);
    expect(repo.count(key)).toBe(rows.length);
  });

  it('emits candle.closed for higher timeframes when their bucket completes', () => {
    const db = openDatabase(':memory:');
    const repo = new CandlesRepo(db);
    let now = Date.UTC(2026, 0, 1, 0, 0, 0);
    const src = new SimSource({ id: 'sim', seed: 1, speed: 1, symbolCount: 1, historyDays: 0, now: () => now }, repo);
    src.backfill();
    now += 15 * 60_000 + 1;
    const { closed } = src.tick();
    const tfs = closed.map((e) => e.timeframe);
    expect(tfs.filter((t) => t === '1m')).toHaveLength(15);
    expect(tfs.filter((t) => t === '5m')).toHaveLength(3);
    expect(tfs.filter((t) => t === '15m')).toHaveLength(1);
    const m15 = closed.find((e) => e.timeframe === '15m')!.candle;
    const minutes = closed.filter((e) => e.timeframe === '1m').map((e) => e.candle);
    expect(m15[1]).toBe(minutes[0]![1]);
    expect(m15[4]).toBe(minutes[14]![4]);
    expect(m15[2]).toBe(Math.max(...minutes.map((m) => m[2])));
  });

  it('live bars equal back-filled ones at any speed and tick interval, volume included (and higher timeframes sum them)', () => {
    const start = T0 + 3 * 3_600_000 + 12_345;
    const spec = DEFAULT_SIM_SYMBOLS[0]!;
    // The same series generated in one go, as a back-fill would: the reference for every run.
    const reference = run(42, [T0 + 26 * 3_600_000], spec);
    for (const speed of [1, 60, 600, 3600]) {
      for (const tickMs of [50, 250, 1000, 7000]) {
        const db = openDatabase(':memory:');
        const repo = new CandlesRepo(db);
        let now = start;
        const src = new SimSource({ id: 'sim', seed: 42, speed, symbolCount: 1, historyDays: 0.125, now: () => now }, repo);
        src.backfill();
        const liveFrom = Math.floor(src.clock.now() / 60_000) * 60_000;
        const hours: Ohlcv[] = [];
        const simEnd = start + Math.min(12 * 3_600_000, Math.max(20 * 60_000, speed * tickMs * 400));
        while (src.clock.now() < simEnd) {
          now += tickMs;
          for (const e of src.tick().closed) if (e.timeframe === '1h') hours.push(e.candle);
        }
        const stored = repo.range({ source: 'sim', symbol: spec.symbol, timeframe: '1m' }, 100_000, 0);
        const live = stored.filter((r) => r[0] >= liveFrom);
        expect(live.length, `speed ${speed}, tick ${tickMs} ms`).toBeGreaterThan(5);
        expect(stored, `speed ${speed}, tick ${tickMs} ms`).toEqual(reference.slice(0, stored.length));
        for (const h of hours) {
          const minutes = reference.filter((r) => r[0] >= h[0] && r[0] < h[0] + 3_600_000);
          expect(h[5]).toBeCloseTo(minutes.reduce((a, r) => a + r[5], 0), 6);
        }
        db.close();
      }
    }
  });
});
