/**
 * Delivery benchmark, in process on a real SQLite file: one channel over 500 symbols whose
 * prices all turn at the same bars (ema_cross fires on every symbol at once), delivered to the
 * desktop, to a fake Telegram Bot API and to a signature-verifying webhook receiver, both real
 * servers on loopback. Latency: from the bar's candle.closed reaching the signals module to the
 * delivery being answered (the delivery log's latency). Telegram keeps to about one message per
 * second per chat, so a burst of 500 signals becomes one message and one summary: its p99 is
 * dominated by that limit by design.
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
import { ChannelInputSchema, type DeliveryAttempt, type Ohlcv } from '../engine/api';
import { FakeTelegram } from '../tests/fakes/fake-telegram';
import { WebhookReceiver } from '../tests/fakes/webhook-receiver';
import { report, summarize } from './lib';

const SYMBOLS = 500;
const MIN = 60_000;
const TOKEN = '123456:BENCH-token-abcdefghijklmnopqrstuvwxyz';
const SECRET = 'bench-webhook-secret';

/** Falling for 60 bars, rising for 30, falling for 30, rising for 30: three ema_cross(9, 21) signals. */
function path3(): number[] {
  const out: number[] = [];
  let p = 100;
  for (const [n, step] of [
    [60, -0.5],
    [30, 0.5],
    [30, -0.5],
    [30, 0.5],
  ] as const) {
    for (let i = 0; i < n; i++) out.push((p += step));
  }
  return out;
}

export async function deliveryBench(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-delivery-'));
  const db = openDatabase(path.join(dataDir, 'signaldesk.db'));
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => `S${String(i).padStart(3, '0')}/USDT`);
  const closes = path3();
  const t0 = Date.UTC(2026, 0, 5, 0, 0, 0);
  const bar = (i: number): Ohlcv => [t0 + i * MIN, closes[i]!, closes[i]! * 1.001, closes[i]! * 0.999, closes[i]!, 100];
  const HISTORY = 65;
  const candles = new CandlesRepo(db);
  candles.upsertGroups(symbols.map((s) => ({ key: { source: 'sim', symbol: s, timeframe: '1m' as const }, rows: Array.from({ length: HISTORY }, (_, i) => bar(i)) })));

  const tg = new FakeTelegram(TOKEN, ['1001']);
  await tg.start();
  const hook = new WebhookReceiver(SECRET);
  await hook.start();

  let now = t0 + HISTORY * MIN + 1000;
  const attempts: DeliveryAttempt[] = [];
  const bus = new Bus((topic, payload) => {
    if (topic === 'delivery.attempt') attempts.push(payload as DeliveryAttempt);
  });
  const ctx = { db, bus, opts: { dataDir, mode: 'embedded', version: 'bench' } as EngineOptions, clock: () => now };
  const notify = new NotifyModule(ctx, { windowMs: 1000, burstLimit: 3 });
  const delivery = new DeliveryModule(ctx, notify, { tickMs: 0, concurrency: 8 });
  const signals = new SignalsModule(ctx, delivery, { symbols: () => symbols, candles: (source, symbol, timeframe, limit) => candles.range({ source, symbol, timeframe }, limit) });
  delivery.start();
  signals.start();
  await delivery.handlers['delivery.telegram.set']!({ botToken: TOKEN, chatIds: ['1001'], enabled: true, apiRoot: tg.url });
  const hookDef = await delivery.handlers['delivery.webhooks.create']!({ url: hook.url, secret: SECRET, events: ['order.intent'], enabled: true });
  await signals.handlers['signals.channels.create']!(
    ChannelInputSchema.parse({
      name: 'bench',
      strategies: [{ id: 'ema_cross', params: {} }],
      symbols: { source: 'sim', symbols },
      timeframe: '1m',
      maxPerDay: 100_000,
      delivery: ['desktop', 'telegram', `webhook:${hookDef.id}`],
      gates: { staleBars: 1000, maxAgeSeconds: 86_400, maxDriftPct: 100 },
    }),
  );
  await signals.ready();
  for (let t = Date.now(); delivery.relay.status().state !== 'connected' && Date.now() - t < 10_000; ) await new Promise((r) => setTimeout(r, 20));

  const wall = Date.now();
  const done = () => attempts.filter((a) => a.status !== 'retrying' && a.eventType === 'signal.created');
  for (let i = HISTORY; i < closes.length; i++) {
    now = t0 + (i + 1) * MIN + 1000;
    const tb = performance.now();
    const before = signals.stats.delivered;
    for (const s of symbols) bus.publish('candle.closed', { source: 'sim', symbol: s, timeframe: '1m', candle: bar(i) });
    if (process.env.BENCH_DEBUG && signals.stats.delivered > before) console.error('bar', i, 'publish ms', (performance.now() - tb).toFixed(0));
    // Bars are a minute apart live: a bar's deliveries finish before the next bar closes.
    const want = signals.stats.delivered * 3;
    for (let t = Date.now(); done().length < want && Date.now() - t < 30_000; ) await new Promise((r) => setTimeout(r, 5));
  }
  const produced = signals.stats.delivered;
  const by = (target: string) => done().filter((a) => a.target === target);
  const lat = (target: string) => summarize(by(target).filter((a) => a.status === 'delivered').map((a) => a.latencyMs));
  report({
    bench: 'delivery',
    symbols: SYMBOLS,
    signals: produced,
    seconds: Math.round((Date.now() - wall) / 100) / 10,
    desktop: { delivered: by('desktop').filter((a) => a.status === 'delivered').length, latencyMs: lat('desktop') },
    telegram: { delivered: by('telegram').filter((a) => a.status === 'delivered').length, messages: tg.sent.length, latencyMs: lat('telegram') },
    webhook: {
      delivered: by(`webhook:${hookDef.id}`).filter((a) => a.status === 'delivered').length,
      requests: hook.received.length,
      verified: hook.received.filter((r) => r.valid).length,
      latencyMs: lat(`webhook:${hookDef.id}`),
    },
  });
  signals.stop();
  delivery.stop();
  notify.stop();
  await tg.stop();
  await hook.stop();
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
