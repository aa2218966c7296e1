/** Inbound signals through the real engine: TradingView text, validation, idempotency across a restart, gates, DLQ. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import type { Engine } from '../../engine/core/engine';
import { rigTest as it } from '../helpers/rig';
import { tempDir } from '../helpers/serve';
import { caller, startEngine } from './rig';


async function lastPrice(engine: Engine, symbol: string): Promise<number> {
  const c = await caller(() => engine).call('market.candles', { source: 'sim', symbol, timeframe: '1m', limit: 1 });
  return c[c.length - 1]![4];
}

describe('intake pipeline', () => {
  it('takes a TradingView plain-text body holding JSON, normalises BINANCE:BTCUSDT, enriches and publishes a signal of the source channel', async ({ track }) => {
    const engine = track(startEngine(tempDir('sd-intake-')));
    const { call } = caller(() => engine);
    const src = await call('intake.sources.create', { name: 'TradingView', delivery: ['desktop'] });
    expect(src.secret.length).toBeGreaterThan(20);
    expect((await call('intake.sources.list', {}))[0]).not.toHaveProperty('secret');
    const price = await lastPrice(engine, 'BTC/USDT');
    const text = `BTC breakout alert {"symbol":"BINANCE:BTCUSDT","side":"long","price":${price},"timeframe":"1","strategy":"tv-breakout","confidence":0.8,"idempotencyKey":"tv-1","note":"broke the range"}`;
    const { eventId } = await call('intake.submit', { source: src.id, payload: text });
    await engine.intake.idle();
    const ev = await call('intake.events.get', { id: eventId });
    expect(ev.status).toBe('published');
    expect(ev.timeline.map((t) => t.status)).toEqual(['received', 'validated', 'enriched', 'evaluated', 'published']);
    expect(ev.enrichment).toMatchObject({ symbol: 'BTC/USDT', last: price });
    for (const k of ['bid', 'ask', 'spreadPct', 'support', 'resistance', 'imbalance']) expect(typeof ev.enrichment![k]).toBe('number');
    expect(Object.keys(ev.enrichment!.features as object).length).toBeGreaterThan(3);
    const sigs = await call('signals.list', { channel: src.channelId });
    expect(sigs).toHaveLength(1);
    expect(sigs[0]).toMatchObject({ id: ev.signalId, symbol: 'BTC/USDT', side: 'buy', entry: price, status: 'delivered', strategy: 'inbound:tv-breakout' });
    // the popup: a desktop notification with the Execute action
    const notes = await call('notifications.list', { limit: 10 });
    expect(notes.some((n) => n.refType === 'signal' && n.refId === String(ev.signalId))).toBe(true);
  });

  it('answers BAD_INPUT naming each bad field and stores nothing', async ({ track }) => {
    const engine = track(startEngine(tempDir('sd-intake-')));
    const { call, fail } = caller(() => engine);
    const src = await call('intake.sources.create', { name: 'Script' });
    const err = await fail('intake.submit', { source: src.id, payload: { symbol: 'BTCUSDT', side: 'up', confidence: 3 } });
    expect(err.code).toBe('BAD_INPUT');
    const fields = (err.details as { fields: Array<{ field: string }> }).fields.map((f) => f.field).sort();
    expect(fields).toEqual(['confidence', 'side']);
    const unknown = await fail('intake.submit', { source: src.id, payload: { symbol: 'NOPE/USDT', side: 'buy' } });
    expect((unknown.details as { fields: Array<{ field: string }> }).fields[0]!.field).toBe('symbol');
    expect(await call('intake.events.list', {})).toEqual([]);
  });

  it('returns the first eventId for a repeated idempotencyKey, also after a restart, and changes nothing', async ({ track }) => {
    const dir = tempDir('sd-intake-');
    let engine = track(startEngine(dir));
    const { call } = caller(() => engine);
    const src = await call('intake.sources.create', { name: 'Script' });
    const payload = { symbol: 'ETHUSDT', side: 'buy' as const, idempotencyKey: 'k-42' };
    const first = await call('intake.submit', { source: src.id, payload });
    await engine.intake.idle();
    const again = await call('intake.submit', { source: src.id, payload });
    expect(again).toEqual({ eventId: first.eventId, duplicate: true });
    engine.stop();
    engine = track(startEngine(dir));
    const afterRestart = await call('intake.submit', { source: src.id, payload });
    expect(afterRestart).toEqual({ eventId: first.eventId, duplicate: true });
    expect(await call('intake.events.list', {})).toHaveLength(1);
    expect(await call('signals.list', { channel: src.channelId })).toHaveLength(1);
  });

  it('rejects with the internal reason codes: PRICE_DRIFT over 2 % and SIGNAL_TOO_OLD over 5 min', async ({ track }) => {
    const engine = track(startEngine(tempDir('sd-intake-')));
    const { call } = caller(() => engine);
    const src = await call('intake.sources.create', { name: 'Script' });
    const price = await lastPrice(engine, 'SOL/USDT');
    const drift = await call('intake.submit', { source: src.id, payload: { symbol: 'SOLUSDT', side: 'sell', price: price * 1.03 } });
    const old = await call('intake.submit', { source: src.id, payload: { symbol: 'SOL/USDT', side: 'buy', price, ts: Date.now() - 6 * 60_000 } });
    const fresh = await call('intake.submit', { source: src.id, payload: { symbol: 'SOL/USDT', side: 'buy', price: price * 1.01, ts: Date.now() - 60_000 } });
    await engine.intake.idle();
    const d = await call('intake.events.get', { id: drift.eventId });
    expect([d.status, d.rejectCode]).toEqual(['rejected', 'PRICE_DRIFT']);
    expect(d.rejectDetail).toMatch(/limit 2 %/);
    const o = await call('intake.events.get', { id: old.eventId });
    expect([o.status, o.rejectCode]).toEqual(['rejected', 'SIGNAL_TOO_OLD']);
    expect(o.rejectDetail).toMatch(/limit 300 s/);
    expect((await call('intake.events.get', { id: fresh.eventId })).status).toBe('published');
    const rejected = await call('signals.list', { channel: src.channelId, status: 'rejected' });
    expect(rejected.map((s) => s.rejectReason).sort()).toEqual(['PRICE_DRIFT', 'SIGNAL_TOO_OLD']);
  });

  it('dead-letters an event whose market is unreachable, and a retry after the market is back runs it to the end', async ({ track }) => {
    const dir = tempDir('sd-intake-');
    const engine = track(startEngine(dir));
    const { call, fail } = caller(() => engine);
    // Replay files are read from the data directory's imports/ folder (the file policy).
    fs.mkdirSync(path.join(dir, 'imports'), { recursive: true });
    const csv = path.join(dir, 'imports', 'xrp.csv');
    fs.copyFileSync(path.join(__dirname, '../fixtures/ohlcv/binance_XRP-ETH_1m.csv'), csv);
    const replay = { id: 'rp', kind: 'replay' as const, path: csv, symbol: 'XRP/ETH', timeframe: '1m' as const, enabled: false };
    await call('market.sources.add', replay);
    const src = await call('intake.sources.create', { name: 'Replay-backed', market: 'rp' });
    await call('market.sources.remove', { id: 'rp' });
    const { eventId } = await call('intake.submit', { source: src.id, payload: { symbol: 'XRPETH', side: 'buy', idempotencyKey: 'dlq-1' } });
    await engine.intake.idle();
    const dead = await call('intake.dlq.list', {});
    expect(dead.map((e) => [e.id, e.step])).toEqual([[eventId, 'enrich']]);
    expect(dead[0]!.error).toMatch(/rp/);
    expect(dead[0]!.payload).toMatchObject({ symbol: 'XRPETH', side: 'buy' });
    await call('market.sources.add', replay);
    const after = await call('intake.dlq.retry', { id: eventId });
    expect(after.timeline.map((t) => t.status)).toEqual(['received', 'validated', 'dlq', 'validated', 'enriched', 'evaluated', after.status]);
    // the replay source is not playing, so the retried event is judged on missing candles: a readable rejection, not a loss
    expect([after.rejectCode, after.rejectDetail]).toEqual(['STALE_DATA', 'no price in the signal and no market data for XRP/ETH on rp']);
    expect(await call('intake.dlq.list', {})).toEqual([]);
    // not in the queue any more: a retry changes nothing, a discard says so
    expect((await call('intake.dlq.retry', { id: eventId })).timeline).toHaveLength(after.timeline.length);
    expect(await call('intake.dlq.discard', { id: eventId })).toEqual({ discarded: false });
    expect((await fail('intake.dlq.retry', { id: 999 })).code).toBe('NOT_FOUND');
  });
});
