/**
 * Collector benchmarks against the loopback fake exchange (its own process) through real ccxt:
 * - `collector_backfill`: back-fill throughput (candles/s) from the fake into a WAL SQLite file,
 *   pages of 1,000 bars, ccxt's rate limiter on with a 0 ms budget (the fake does not throttle);
 *   with the event-loop delay of the thread doing it (the engine worker's thread in the app).
 * - `collector_close_to_event_ms`: delay from a bar's close to its `candle.closed` event with 200
 *   symbols live on 1m bars; the fake's clock runs 60× (a bar closes every real second) and the
 *   delay is reported in real milliseconds (clock delay / 60).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import { openDatabase } from '../db/database';
import { CandlesRepo } from '../db/repos/candles';
import { Collector } from '../engine/market/collector';
import { parseInput, TIMEFRAME_MS } from '../engine/api';
import type { FakeMarketOptions, FakeSymbol } from '../tests/fakes/fake-exchange-market';
import { report } from './lib';

async function waitFor<T>(f: () => T | undefined | null | false, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('bench timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The fake exchange in a child process (its work must not load the measured thread). */
async function startFake(opts: FakeMarketOptions): Promise<{ url: string; now: () => number; stop: () => Promise<void> }> {
  const realStart = Date.now();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fake-market-child.ts'), JSON.stringify({ ...opts, realStart })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /FAKE (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (c) => reject(new Error(`fake exchange exited ${c}`)));
  });
  const speed = opts.speed ?? 1;
  const clockStart = opts.clockStart ?? realStart;
  return {
    url,
    now: () => Math.min(Date.now(), clockStart + (Date.now() - realStart) * speed),
    stop: () => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM')))),
  };
}

async function backfillBench(): Promise<void> {
  const fx = await startFake({ maxLimit: 1000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-collector-'));
  const db = openDatabase(path.join(dir, 'bench.db'));
  let done: unknown = null;
  const c = new Collector(db, new CandlesRepo(db), dir, (topic, p) => {
    if (topic === 'market.backfill.progress' && (p as { status: string }).status === 'done') done = p;
  });
  c.start();
  try {
    await c.add(parseInput('market.sources.add', { id: 'fake', kind: 'ccxt', exchange: 'binance', baseUrl: fx.url, symbols: ['BTC/USDT'], timeframes: ['1h'], rateLimitMs: 0 }) as never, () => false);
    // Markets loaded first (a one-time ccxt cost), so the figures are the steady back-fill.
    await waitFor(() => (c.runtime('fake') as { active?: boolean } | undefined)?.active, 60_000);
    const M = TIMEFRAME_MS['1m'];
    const end = Math.floor(fx.now() / M) * M;
    const bars = 200_000;
    // The engine thread must stay responsive while it back-fills: sample its event-loop delay.
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const t0 = performance.now();
    c.backfill(parseInput('market.backfill', { source: 'fake', symbol: 'BTC/USDT', timeframe: '1m', since: end - bars * M, until: end }));
    await waitFor(() => done, 300_000);
    const ms = performance.now() - t0;
    lag.disable();
    const stored = (db.prepare("SELECT COUNT(*) AS n FROM named_candles WHERE source = 'fake' AND timeframe = '1m'").get() as { n: number }).n;
    report({ bench: 'collector_backfill', candles: stored, pages: Math.ceil(bars / 1000), ms: Math.round(ms), candlesPerSec: Math.round(stored / (ms / 1000)), eventLoopDelayP99Ms: Math.round(lag.percentile(99) / 1e4) / 100, eventLoopDelayMaxMs: Math.round(lag.max / 1e4) / 100 });
  } finally {
    c.stop();
    db.close();
    await fx.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function liveLatencyBench(): Promise<void> {
  const n = 200;
  const symbols: FakeSymbol[] = Array.from({ length: n }, (_, i) => ({ id: `S${i}USDT`, base: `S${i}`, quote: 'USDT', price: 10 + i, quoteVolume: 1e6 * (n - i) }));
  const speed = 60;
  const fx = await startFake({ symbols, clockStart: Date.now() - 30 * 86_400_000, speed });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-collector-'));
  const db = openDatabase(path.join(dir, 'bench.db'));
  let closed = 0;
  const c = new Collector(
    db,
    new CandlesRepo(db),
    dir,
    (topic) => {
      if (topic === 'candle.closed') closed++;
    },
    { now: () => fx.now(), timeScale: speed, pollMs: 20 },
  );
  c.start();
  try {
    await c.add(
      parseInput('market.sources.add', { id: 'fake', kind: 'ccxt', exchange: 'binance', baseUrl: fx.url, symbols: symbols.map((s) => `${s.base}/USDT`), timeframes: ['1m'], rateLimitMs: 0 }) as never,
      () => false,
    );
    await waitFor(() => closed >= n * 2, 60_000); // warm-up: two bars per symbol
    const warm = c.healthReport('fake')[0]!.closeToEvent?.n ?? 0;
    const t0 = Date.now();
    await waitFor(() => closed >= n * 12, 120_000); // ten more bars each
    const h = c.healthReport('fake')[0]!;
    report({
      bench: 'collector_close_to_event_ms',
      symbols: n,
      timeframe: '1m',
      clockSpeed: speed,
      events: closed,
      samples: (h.closeToEvent?.n ?? 0) - warm,
      p50: h.closeToEvent?.p50 ?? null,
      p99: h.closeToEvent?.p99 ?? null,
      wallMs: Date.now() - t0,
      requests24h: h.requests24h,
    });
  } finally {
    c.stop();
    db.close();
    await fx.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function collectorBench(): Promise<void> {
  await backfillBench();
  await liveLatencyBench();
}
