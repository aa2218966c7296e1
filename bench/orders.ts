/**
 * Order engine benchmarks, in process on a real SQLite file (WAL):
 * - intents per second through the whole path (persist intent → kill switch → sizing → risk gate
 *   → paper order → decision), against the kill-switch path (persist → SKIPPED) as the baseline
 *   in the same run, so the ratio is what sizing + the risk gate + booking the order cost;
 * - intent to paper fill: the market order is decided at once and fills on the next price; we time
 *   the call (→ persisted EXECUTED intent) and the next price event → `order.fill`.
 * The keypress → persisted intent figure comes from the browser harness (tests/e2e/orders.e2e.test.ts
 * prints `orders_keypress_to_persisted_intent_ms`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db/database';
import { Bus, type EngineOptions } from '../engine/core/context';
import { NotifyModule } from '../engine/notify/module';
import { OrdersModule } from '../engine/orders/module';
import type { Events } from '../engine/api';
import { report, summarize } from './lib';

async function rig() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-orders-'));
  const db = openDatabase(path.join(dataDir, 'signaldesk.db'));
  const fills: number[] = [];
  const bus = new Bus((topic) => {
    if (topic === 'order.fill') fills.push(performance.now());
  });
  let now = Date.UTC(2026, 0, 5, 12, 0, 0);
  const ctx = { db, bus, opts: { dataDir, mode: 'embedded', version: 'bench' } as EngineOptions, clock: () => now };
  const notify = new NotifyModule(ctx, { windowMs: 1000, burstLimit: 1_000_000 });
  const orders = new OrdersModule(ctx, notify, { pollMs: 3_600_000, now: () => now });
  orders.start();
  await orders.ready;
  const price = (close: number) => {
    const e: Events['candle.updated'] = { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', candle: [now - (now % 60_000), close, close, close, close, 1] };
    bus.publish('candle.updated', e);
  };
  return {
    orders,
    fills,
    price,
    tick: (ms: number) => (now += ms),
    close: () => {
      orders.stop();
      notify.stop();
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function ordersBench(): Promise<void> {
  // ── intents per second through the risk gate (limit orders far from price: they rest, never fill)
  {
    const r = await rig();
    r.price(60_000);
    await r.orders.handlers['risk.update']!({ limits: { maxOpenPositions: 1000, maxPositionNotional: '100000000' } } as never);
    const n = 2_000;
    let t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const it = await r.orders.place({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '30000', amount: '0.001', idempotencyKey: `g-${i}` } as never);
      if (it.decision !== 'EXECUTED') throw new Error(`bench: expected EXECUTED, got ${it.decision} ${it.reasonCode} ${it.reasonMessage}`);
    }
    const gatedMs = performance.now() - t0;
    t0 = performance.now();
    const batch = 100;
    for (let b = 0; b < n; b += batch) {
      await Promise.all(Array.from({ length: batch }, (_, j) => r.orders.place({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '30000', amount: '0.001', idempotencyKey: `c-${b + j}` } as never)));
    }
    const concurrentMs = performance.now() - t0;
    await r.orders.setKillSwitch(true, 'bench baseline', false);
    t0 = performance.now();
    for (let i = 0; i < n; i++) await r.orders.place({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '30000', amount: '0.001', idempotencyKey: `k-${i}` } as never);
    const killMs = performance.now() - t0;
    const rate = (ms: number) => Math.round(n / (ms / 1000));
    report({
      bench: 'orders_intents_through_risk_gate',
      intents: n,
      intents_per_s_sequential: rate(gatedMs),
      intents_per_s_concurrent_100: rate(concurrentMs),
      baseline: 'kill switch on: persist intent + SKIPPED decision only',
      baseline_intents_per_s: rate(killMs),
      ratio_full_path_vs_baseline: Math.round((gatedMs / killMs) * 100) / 100,
    });
    r.close();
  }
  // ── intent → paper fill
  {
    const r = await rig();
    r.price(60_000);
    const callMs: number[] = [];
    const fillMs: number[] = [];
    for (let i = 0; i < 300; i++) {
      const side = i % 2 === 0 ? 'buy' : 'sell';
      const t0 = performance.now();
      const it = await r.orders.place({ symbol: 'BTC/USDT', side, type: 'market', amount: '0.01', idempotencyKey: `m-${i}` } as never);
      callMs.push(performance.now() - t0);
      if (it.decision !== 'EXECUTED') throw new Error(`bench: expected EXECUTED, got ${it.decision} ${it.reasonCode}`);
      r.tick(1000);
      const before = r.fills.length;
      const t1 = performance.now();
      r.price(60_000 + (i % 7));
      if (r.fills.length !== before + 1) throw new Error('bench: the next price did not fill the market order');
      fillMs.push(r.fills[r.fills.length - 1]! - t1);
    }
    report({ bench: 'orders_place_to_persisted_decision_ms', ...summarize(callMs) });
    report({ bench: 'orders_next_price_to_paper_fill_ms', ...summarize(fillMs) });
    r.close();
  }
}
