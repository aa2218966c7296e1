import { describe, expect, it } from 'vitest';
import { closePool, computeSeries, createFeatureEngine, parseSpecList, profileSpecs, warmUp, warmUpEngine, type Bar } from '../../engine/indicators';
import { readOhlcv } from '../helpers/ohlcv';
import { toBars } from './reference';

const FULL = profileSpecs('full_v1');
const bars = toBars(readOhlcv('unknown-exchange_BTC-USDT_5m.csv'));

function sameRows(a: readonly Float64Array[], b: readonly Float64Array[]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(Array.from(a[i]!), `row ${i}`).toEqual(Array.from(b[i]!));
  }
}

/** Support/resistance the slow way: scan the whole history for pivots at every bar. */
function naiveSr(all: readonly Bar[], strength: number, keep: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let n = 0; n < all.length; n++) {
    const levels: number[] = [];
    for (let c = strength; c + strength <= n; c++) {
      const left = all.slice(c - strength, c);
      const right = all.slice(c + 1, c + strength + 1);
      const h = all[c]!.high;
      const l = all[c]!.low;
      if (left.every((b) => h > b.high) && right.every((b) => h >= b.high)) levels.push(h);
      if (left.every((b) => l < b.low) && right.every((b) => l <= b.low)) levels.push(l);
    }
    const recent = levels.slice(-keep);
    const close = all[n]!.close;
    const below = recent.filter((v) => v < close);
    const above = recent.filter((v) => v > close);
    out.push([below.length ? Math.max(...below) : NaN, above.length ? Math.min(...above) : NaN]);
  }
  return out;
}

describe('incremental engine', () => {
  it('one engine with every indicator equals one engine per indicator (no cross-talk in shared state)', () => {
    const together = computeSeries(FULL, bars);
    let col = 0;
    for (const spec of FULL) {
      const alone = computeSeries([spec], bars);
      for (let j = 0; j < alone.names.length; j++, col++) {
        expect(together.names[col]).toBe(alone.names[j]);
        for (let i = 0; i < bars.length; i++) {
          const a = together.rows[i]![col]!;
          const b = alone.rows[i]![j]!;
          if (!Object.is(a, b)) expect.fail(`${alone.names[j]}[${i}]: ${a} vs ${b}`);
        }
      }
    }
  });

  it('a MACD sharing the set\'s EMAs gives exactly what a MACD alone gives, columns in spec order', () => {
    const shared = computeSeries(parseSpecList('macd:12:26:9,rsi:14,ema:26,ema:12'), bars);
    const alone = computeSeries(parseSpecList('macd:12:26:9'), bars);
    const ema = computeSeries(parseSpecList('ema:12,ema:26'), bars);
    expect(shared.names).toEqual(['macd_12_26_9', 'macd_signal_12_26_9', 'macd_hist_12_26_9', 'rsi_14', 'ema_26', 'ema_12']);
    for (let i = 0; i < bars.length; i++) {
      for (let j = 0; j < 3; j++) if (!Object.is(shared.rows[i]![j], alone.rows[i]![j])) expect.fail(`macd col ${j} bar ${i}`);
      if (!Object.is(shared.rows[i]![4], ema.rows[i]![1]) || !Object.is(shared.rows[i]![5], ema.rows[i]![0])) expect.fail(`ema bar ${i}`);
    }
    // A snapshot of the shared engine restores into the same set.
    const e = createFeatureEngine(parseSpecList('macd:12:26:9,rsi:14,ema:26,ema:12'));
    for (const b of bars.slice(0, 500)) e.update(b);
    const again = createFeatureEngine(parseSpecList('macd:12:26:9,rsi:14,ema:26,ema:12'));
    again.restore(e.snapshot());
    expect(Array.from(again.step(bars[500]!))).toEqual(Array.from(e.step(bars[500]!)));
  });

  it('a snapshot restored into a new engine continues exactly like the uninterrupted engine', () => {
    const whole = computeSeries(FULL, bars);
    const cut = 4321;
    const first = createFeatureEngine(FULL);
    for (const b of bars.slice(0, cut)) first.update(b);
    const snap = first.snapshot();
    const second = createFeatureEngine(FULL);
    second.restore(snap);
    expect(second.bars).toBe(cut);
    expect(second.current()).toEqual(first.current());
    const rest = bars.slice(cut).map((b) => second.step(b).slice());
    sameRows(rest, whole.rows.slice(cut));
    expect(() => createFeatureEngine(parseSpecList('ema:9')).restore(snap)).toThrow(/snapshot is for indicators/);
  });

  it('support/resistance equal a full rescan of the history at every bar', () => {
    const some = bars.slice(0, 1500);
    const ours = computeSeries(parseSpecList('sr:5'), some).rows;
    const ref = naiveSr(some, 5, 16);
    let seen = 0;
    ref.forEach(([s, r], i) => {
      expect(Object.is(ours[i]![0], s) && Object.is(ours[i]![1], r), `bar ${i}: ${ours[i]![0]},${ours[i]![1]} vs ${s},${r}`).toBe(true);
      if (!Number.isNaN(s) && !Number.isNaN(r)) seen++;
    });
    expect(seen).toBeGreaterThan(1000);
  });

  it('VWAP restarts at 00:00 UTC', () => {
    const e = createFeatureEngine(parseSpecList('vwap'));
    const i = bars.findIndex((b, k) => k > 0 && b.ts % 86_400_000 === 0);
    for (const b of bars.slice(0, i)) e.update(b);
    const b = bars[i]!;
    expect(e.update(b).vwap).toBeCloseTo((b.high + b.low + b.close) / 3, 8);
  });
});

describe('batch warm-up in the worker pool', () => {
  it('gives the same series and final state as the in-process engine, and a live engine continues from it', async () => {
    try {
      const history = bars.slice(0, 8000);
      const local = computeSeries(FULL, history);
      const pooled = await warmUp(FULL, history, { series: true });
      expect(pooled.names).toEqual(local.names);
      expect(pooled.bars).toBe(history.length);
      expect(pooled.lastTs).toBe(history[history.length - 1]!.ts);
      sameRows(pooled.series!, local.rows);
      const live = await warmUpEngine(FULL, history.map((b) => [b.ts, b.open, b.high, b.low, b.close, b.volume] as [number, number, number, number, number, number]));
      expect(live.ready()).toBe(true);
      const whole = computeSeries(FULL, bars);
      sameRows(
        bars.slice(8000).map((b) => live.step(b).slice()),
        whole.rows.slice(8000),
      );
      // Several symbols at once through the pool.
      const many = await Promise.all([0, 1, 2, 3].map((k) => warmUp(FULL, bars.slice(k * 2000, k * 2000 + 2000))));
      many.forEach((r, k) => expect(r.features).toEqual(computeFinal(bars.slice(k * 2000, k * 2000 + 2000))));
    } finally {
      await closePool();
    }
  });
});

function computeFinal(b: readonly Bar[]) {
  const e = createFeatureEngine(FULL);
  for (const x of b) e.update(x);
  return e.current();
}
