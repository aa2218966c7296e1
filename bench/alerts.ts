/**
 * Alerts benchmark (`npm run bench -- alerts`), both paths in the same run:
 * - price: 1,000 active price rules over 200 symbols (crossings and ±% moves); cost per live
 *   price update through the engine's PriceBook (rules indexed by symbol) vs evaluating every
 *   rule naively on every update;
 * - indicator: 1,000 indicator rules over 100 series; cost per closed bar with one shared
 *   feature engine per series (the signals' engines, rules reading them) vs each rule keeping
 *   and updating its own indicators.
 */
import { performance } from 'node:perf_hooks';
import type { AlertRule, IndicatorConditionT, PriceConditionT } from '../engine/api';
import { PriceBook, type PriceRuleEntry } from '../engine/alerts/price-book';
import { indicatorCheck, movesPct, priceCross, type PriceSample, type Side } from '../engine/alerts/evaluate';
import { featureSpec } from '../engine/alerts/features';
import { createFeatureEngine, uniqueSpecs } from '../engine/indicators';
import type { Bar, Features, FeatureEngine } from '../engine/indicators/types';
import { report } from './lib';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const ns = (ms: number, n: number): number => Math.round((ms * 1e6) / n);

function rule(id: number, kind: 'price' | 'indicator', condition: PriceConditionT | IndicatorConditionT): AlertRule {
  return { id, name: `r${id}`, kind, condition, priority: 'low', delivery: [], throttleMinutes: 0, once: false, enabled: true, lastFiredAt: null, createdAt: 0, updatedAt: 0 };
}

function priceBench(): void {
  const SYMBOLS = 200;
  const RULES = 1000;
  const UPDATES = 200_000;
  const rand = rng(7);
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => `S${i}/USDT`);
  const base = symbols.map(() => 50 + rand() * 500);
  const conds: PriceConditionT[] = Array.from({ length: RULES }, (_, i) => {
    const s = i % SYMBOLS;
    if (i % 10 === 9) return { source: 'sim', symbol: symbols[s]!, op: 'moves_pct', value: 1 + rand() * 3, windowMinutes: 5 + Math.floor(rand() * 30) };
    return { source: 'sim', symbol: symbols[s]!, op: i % 2 ? 'crosses_above' : 'crosses_below', value: base[s]! * (0.97 + rand() * 0.06) };
  });
  const ticks: Array<[number, number]> = [];
  const px = [...base];
  for (let k = 0; k < UPDATES; k++) {
    const s = Math.floor(rand() * SYMBOLS);
    px[s] = px[s]! * (1 + (rand() - 0.5) * 0.004);
    ticks.push([s, px[s]!]);
  }
  const T0 = Date.UTC(2026, 0, 1);
  // Indexed (the engine's path).
  const book = new PriceBook(conds.map((c, i): PriceRuleEntry => ({ rule: rule(i + 1, 'price', c), cond: c, lastSide: undefined, since: -Infinity })));
  let firedA = 0;
  let t = performance.now();
  for (let k = 0; k < UPDATES; k++) {
    const hits = book.update('sim', symbols[ticks[k]![0]]!, ticks[k]![1], T0 + k * 50);
    firedA += hits.length;
    for (const h of hits) if (h.entry.cond.op === 'moves_pct') h.entry.since = T0 + k * 50;
  }
  const indexedMs = performance.now() - t;
  // Naive: every rule on every update.
  const sides: Array<Side | undefined> = conds.map(() => undefined);
  const since = conds.map(() => -Infinity);
  const samples: PriceSample[][] = conds.map(() => []);
  let firedB = 0;
  t = performance.now();
  for (let k = 0; k < UPDATES; k++) {
    const sym = symbols[ticks[k]![0]]!;
    const p = ticks[k]![1];
    const now = T0 + k * 50;
    for (let i = 0; i < RULES; i++) {
      const c = conds[i]!;
      if (c.source !== 'sim' || c.symbol !== sym) continue;
      if (c.op === 'moves_pct') {
        const s = samples[i]!;
        s.push({ ts: now, price: p });
        const w = (c.windowMinutes ?? 0) * 60_000;
        while (s.length && s[0]!.ts < now - w) s.shift();
        const m = movesPct(s, p, now, w, c.value, since[i]!);
        if (m?.fired) {
          firedB++;
          since[i] = now;
        }
        continue;
      }
      const r = priceCross(c.op, c.value, sides[i], p);
      sides[i] = r.side;
      if (r.fired) firedB++;
    }
  }
  const naiveMs = performance.now() - t;
  report({ bench: 'alerts-price', rules: RULES, symbols: SYMBOLS, updates: UPDATES, fired: firedA, firedNaive: firedB, nsPerUpdate: ns(indexedMs, UPDATES), nsPerUpdateNaive: ns(naiveMs, UPDATES), ratio: Math.round((naiveMs / indexedMs) * 10) / 10 });
}

function indicatorBench(): void {
  const SERIES = 100;
  const RULES = 1000;
  const BARS = 400;
  const rand = rng(11);
  const features = ['rsi_14', 'ema_9', 'ema_21', 'sma_50', 'bb_lower_20_2', 'bb_upper_20_2', 'macd_hist_12_26_9', 'atr_14'];
  const conds: IndicatorConditionT[] = Array.from({ length: RULES }, (_, i) => {
    const f = features[i % features.length]!;
    const base = { source: 'sim', symbol: `S${i % SERIES}/USDT`, timeframe: '1m' as const, feature: f };
    if (f === 'ema_9') return { ...base, op: i % 2 ? 'crosses_above' : 'crosses_below', otherFeature: 'ema_21' };
    if (f === 'rsi_14') return { ...base, op: i % 2 ? '<' : '>', value: i % 2 ? 30 : 70 };
    return { ...base, op: i % 2 ? 'crosses_above' : '<', value: 100 };
  });
  const specsOf = (c: IndicatorConditionT) => [c.feature, c.otherFeature].filter((x): x is string => !!x).map((f) => featureSpec(f)!);
  const last = Array.from({ length: SERIES }, () => 100);
  const bars: Bar[][] = [];
  for (let k = 0; k < BARS; k++) {
    bars.push(
      last.map((p, s) => {
        const c = p * (1 + (rand() - 0.5) * 0.01);
        last[s] = c;
        return { ts: k * 60_000, open: p, high: Math.max(p, c) * 1.001, low: Math.min(p, c) * 0.999, close: c, volume: 100 };
      }),
    );
  }
  // Shared: one engine per series with the union of its rules' indicators.
  const bySeries: IndicatorConditionT[][] = Array.from({ length: SERIES }, () => []);
  conds.forEach((c, i) => bySeries[i % SERIES]!.push(c));
  const engines = bySeries.map((cs) => createFeatureEngine(uniqueSpecs(cs.flatMap(specsOf))));
  const truth: Array<boolean | undefined>[] = bySeries.map((cs) => cs.map(() => undefined));
  let firedA = 0;
  let t = performance.now();
  for (const round of bars) {
    for (let s = 0; s < SERIES; s++) {
      const fe = engines[s]!;
      const prev: Features | null = fe.bars > 0 ? fe.current() : null;
      const f = fe.update(round[s]!);
      const cs = bySeries[s]!;
      for (let j = 0; j < cs.length; j++) {
        const r = indicatorCheck(cs[j]!, f, prev, truth[s]![j]);
        truth[s]![j] = r.truth;
        if (r.fired) firedA++;
      }
    }
  }
  const sharedMs = performance.now() - t;
  // Naive: each rule keeps its own indicators and updates them on every bar of its series.
  const own: FeatureEngine[] = conds.map((c) => createFeatureEngine(uniqueSpecs(specsOf(c))));
  const truthB: Array<boolean | undefined> = conds.map(() => undefined);
  let firedB = 0;
  t = performance.now();
  for (const round of bars) {
    for (let s = 0; s < SERIES; s++) {
      const sym = `S${s}/USDT`;
      for (let i = 0; i < RULES; i++) {
        const c = conds[i]!;
        if (c.symbol !== sym) continue;
        const fe = own[i]!;
        const prev: Features | null = fe.bars > 0 ? fe.current() : null;
        const f = fe.update(round[s]!);
        const r = indicatorCheck(c, f, prev, truthB[i]);
        truthB[i] = r.truth;
        if (r.fired) firedB++;
      }
    }
  }
  const naiveMs = performance.now() - t;
  const events = BARS * SERIES;
  report({ bench: 'alerts-indicator', rules: RULES, series: SERIES, bars: BARS, fired: firedA, firedNaive: firedB, usPerClosedBar: Math.round((sharedMs * 1e6) / events) / 1000, usPerClosedBarNaive: Math.round((naiveMs * 1e6) / events) / 1000, msPerBarAllSeries: Math.round((sharedMs / BARS) * 1000) / 1000, ratio: Math.round((naiveMs / sharedMs) * 10) / 10 });
}

export function alertsBench(): Promise<void> {
  priceBench();
  indicatorBench();
  return Promise.resolve();
}
