/**
 * Signal pipeline benchmark, in process on a real SQLite file (WAL): 500 symbols × 4 strategies
 * on one channel. Each bar, candle.closed is published for every symbol; we time each signal
 * from the moment its bar's candle.closed is published to the moment the signal has been
 * persisted (and, when delivered, its desktop notification too) — the `signal.created` /
 * `signal.updated` event that follows the write. Also the whole bar (500 symbols) per batch.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../db/database';
import { CandlesRepo } from '../db/repos/candles';
import { Bus, type EngineOptions } from '../engine/core/context';
import { NotifyModule } from '../engine/notify/module';
import { DeliveryModule } from '../engine/delivery/module';
import { SignalsModule } from '../engine/signals/module';
import { ChannelInputSchema, type Ohlcv, type Signal } from '../engine/api';
import { report, summarize } from './lib';

const SYMBOLS = 500;
const HISTORY = 300;
const BARS = 120;
const MIN = 60_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function signalsBench(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-signals-'));
  const db = openDatabase(path.join(dataDir, 'signaldesk.db'));
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => `S${String(i).padStart(3, '0')}/USDT`);
  const rand = rng(42);
  const last = new Map<string, number>();
  const t0 = Date.UTC(2026, 0, 5, 0, 0, 0);
  const bar = (sym: string, i: number): Ohlcv => {
    const prev = last.get(sym) ?? 100 + rand() * 50;
    const close = prev * (1 + (rand() - 0.5) * 0.01);
    last.set(sym, close);
    const hi = Math.max(prev, close) * (1 + rand() * 0.002);
    const lo = Math.min(prev, close) * (1 - rand() * 0.002);
    return [t0 + i * MIN, prev, hi, lo, close, 50 + rand() * 150];
  };
  const candles = new CandlesRepo(db);
  candles.upsertGroups(symbols.map((s) => ({ key: { source: 'sim', symbol: s, timeframe: '1m' as const }, rows: Array.from({ length: HISTORY }, (_, i) => bar(s, i)) })));

  let now = t0 + HISTORY * MIN + 1000;
  let publishedAt = 0;
  const latencies: number[] = [];
  let delivered = 0;
  let rejected = 0;
  let outcomes = 0;
  const bus = new Bus((topic, payload) => {
    if (topic === 'signal.created') {
      latencies.push(performance.now() - publishedAt);
      delivered++;
    } else if (topic === 'signal.updated') {
      const s = payload as Signal;
      if (s.status === 'rejected') {
        latencies.push(performance.now() - publishedAt);
        rejected++;
      } else if (s.outcome) outcomes++;
    }
  });
  const ctx = { db, bus, opts: { dataDir, mode: 'embedded', version: 'bench' } as EngineOptions, clock: () => now };
  const notify = new NotifyModule(ctx, { windowMs: 1000, burstLimit: 3 });
  const delivery = new DeliveryModule(ctx, notify, { tickMs: 0 });
  delivery.start();
  const signals = new SignalsModule(ctx, delivery, {
    symbols: () => symbols,
    candles: (source, symbol, timeframe, limit) => candles.range({ source, symbol, timeframe }, limit),
  });
  signals.start();
  const warmStart = performance.now();
  await signals.handlers['signals.channels.create']!(
    ChannelInputSchema.parse({
      name: 'bench',
      strategies: [
        { id: 'ema_cross', params: { fast: 5, slow: 13 } },
        { id: 'momentum', params: {} },
        { id: 'breakout', params: { period: 10, minVolumeRatio: 1 } },
        { id: 'scalping', params: {} },
      ],
      symbols: { source: 'sim', discovered: true },
      timeframe: '1m',
      maxPerDay: 100_000,
      gates: { staleBars: 1000, maxAgeSeconds: 86_400, maxDriftPct: 100 },
    }),
  );
  await signals.ready();
  const warmMs = performance.now() - warmStart;

  const batch: number[] = [];
  const evalBefore = signals.stats.evaluations;
  for (let i = HISTORY; i < HISTORY + BARS; i++) {
    now = t0 + (i + 1) * MIN + 500;
    const start = performance.now();
    for (const s of symbols) {
      const c = bar(s, i);
      publishedAt = performance.now();
      bus.publish('candle.closed', { source: 'sim', symbol: s, timeframe: '1m', candle: c });
    }
    batch.push(performance.now() - start);
  }
  const evaluations = signals.stats.evaluations - evalBefore;
  const reasons = Object.fromEntries(db.prepare<[], { r: string; n: number }>("SELECT reject_reason AS r, COUNT(*) AS n FROM signals WHERE status = 'rejected' GROUP BY reject_reason").all().map((x) => [x.r, x.n]));
  signals.stop();
  delivery.stop();
  notify.stop();
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  report({
    bench: 'signals_bar_close_to_persisted_ms',
    symbols: SYMBOLS,
    strategies: 4,
    bars: BARS,
    signals: latencies.length,
    delivered,
    rejected,
    rejectReasons: reasons,
    outcomes,
    ...summarize(latencies),
  });
  report({ bench: 'signals_bar_batch_ms', symbols: SYMBOLS, strategies: 4, evaluations, evaluationsPerBar: evaluations / BARS, ...summarize(batch) });
  report({ bench: 'signals_channel_warmup_ms', symbols: SYMBOLS, bars: HISTORY, ms: Math.round(warmMs) });
}

if (require.main === module) void signalsBench();
