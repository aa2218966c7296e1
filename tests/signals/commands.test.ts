/** Channel CRUD, validation (structured errors, nothing changes), ack/snooze and discovered symbol lists. */
import { describe, expect } from 'vitest';
import { ApiError } from '../../engine/api/errors';
import { ChannelInputSchema, ChannelUpdateSchema, type Notification } from '../../engine/api';
import { SYMBOLS, sigRig, vPath, type SigRig, it, type Track } from './setup';

async function rig(track: Track): Promise<SigRig> {
  const r = track(await sigRig());
  return r;
}
const PATH = vPath(60, 30);
const base = { name: 'C', strategies: [{ id: 'ema_cross', params: {} }], symbols: { source: 'sim', symbols: ['AAA/USDT'] }, timeframe: '1m' };

async function rejects(p: () => unknown, code: string, msg?: RegExp): Promise<void> {
  try {
    await p();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(code);
    if (msg) expect((e as ApiError).message).toMatch(msg);
    return;
  }
  throw new Error('expected a rejection');
}

describe('signals commands', () => {
  it('creates, lists, updates and deletes channels; defaults filled', async ({ track }) => {
    const r = await rig(track);
    const c = await r.call('signals.channels.create', ChannelInputSchema.parse({ ...base, profile: 'trend_follow_v1', autopilot: true }));
    expect(c).toMatchObject({ name: 'C', enabled: true, timeframe: '1m', profile: 'trend_follow_v1', autopilot: true, minConfidence: 0, delivery: ['desktop'], expiryBars: 50 });
    expect(c.strategies[0]).toEqual({ id: 'ema_cross', params: expect.objectContaining({ fast: 9, slow: 21, atr: 14 }) });
    expect(c.gates).toEqual({ staleBars: 3, maxAgeSeconds: 120, maxDriftPct: 1 });
    const u = await r.call('signals.channels.update', ChannelUpdateSchema.parse({ id: c.id, name: 'Renamed', gates: { maxDriftPct: 2 }, minConfidence: 0.6 }));
    expect(u).toMatchObject({ name: 'Renamed', minConfidence: 0.6, autopilot: true, gates: { staleBars: 3, maxAgeSeconds: 120, maxDriftPct: 2 } });
    await r.signals.ready();
    const listed = await r.call('signals.channels.list', {});
    expect(listed.map((x) => [x.id, x.name, x.resolvedSymbols])).toEqual([[c.id, 'Renamed', 1]]);
    expect(r.signals.status()).toMatchObject({ channels: 1, featureEngines: 1, evaluators: 1 });
    expect(await r.call('signals.channels.delete', { id: c.id })).toEqual({ deleted: true });
    await r.signals.ready();
    expect(await r.call('signals.channels.list', {})).toEqual([]);
    expect(r.signals.status()).toMatchObject({ channels: 0, featureEngines: 0 });
    await rejects(() => r.call('signals.channels.delete', { id: c.id }), 'NOT_FOUND');
    await rejects(() => r.call('signals.channels.update', { id: 999 }), 'NOT_FOUND');
  });

  it('refuses bad channels with BAD_INPUT and changes nothing', async ({ track }) => {
    const r = await rig(track);
    const create = (x: object) => r.call('signals.channels.create', ChannelInputSchema.parse({ ...base, ...x }));
    await rejects(() => create({ strategies: [{ id: 'nope', params: {} }] }), 'BAD_INPUT', /Unknown strategy: nope/);
    await rejects(() => create({ strategies: [{ id: 'ema_cross', params: { fast: 50, slow: 20 } }] }), 'BAD_INPUT', /fast must be shorter/);
    await rejects(() => create({ strategies: [{ id: 'breakout', params: { period: 'x' } }] }), 'BAD_INPUT', /Invalid params for breakout/);
    await rejects(() => create({ symbols: { source: 'sim', symbols: ['ZZZ/USDT'] } }), 'BAD_INPUT', /not offered by sim: ZZZ\/USDT/);
    await rejects(() => create({ symbols: { source: 'nowhere', discovered: true } }), 'BAD_INPUT', /Unknown source/);
    await rejects(() => create({ profile: 'no_such_profile' }), 'BAD_INPUT', /Unknown feature profile/);
    expect(ChannelInputSchema.safeParse({ ...base, minConfidence: 2 }).success).toBe(false);
    expect(ChannelInputSchema.safeParse({ ...base, strategies: [] }).success).toBe(false);
    expect(ChannelInputSchema.safeParse({ ...base, symbols: { source: 'sim' } }).success).toBe(false);
    expect(await r.call('signals.channels.list', {})).toEqual([]);
    const c = await create({});
    await rejects(() => r.call('signals.channels.update', { id: c.id, strategies: [{ id: 'nope', params: {} }] }), 'BAD_INPUT');
    expect((await r.call('signals.channels.list', {}))[0]!.strategies[0]!.id).toBe('ema_cross');
  });

  it('resolves {source, discovered: true} to every symbol the source offers', async ({ track }) => {
    const r = await rig(track);
    await r.call('signals.channels.create', ChannelInputSchema.parse({ ...base, symbols: { source: 'sim', discovered: true } }));
    await r.signals.ready();
    expect(r.signals.status().featureEngines).toBe(SYMBOLS.length);
    expect((await r.call('signals.channels.list', {}))[0]!.resolvedSymbols).toBe(SYMBOLS.length);
  });

  it('acks and snoozes signals; a snoozed signal pops up again; rejected ones cannot be acknowledged', async ({ track }) => {
    const r = await rig(track);
    r.store('AAA/USDT', PATH.slice(0, 60));
    await r.createChannel({ strategies: [{ id: 'ema_cross', params: {} }] });
    await r.createChannel({ name: 'Strict', strategies: [{ id: 'ema_cross', params: {} }], minConfidence: 1 });
    for (let i = 60; i < 75; i++) r.close('AAA/USDT', i, PATH[i]!);
    const [s, rej] = r.list();
    expect(rej!.status).toBe('rejected');
    expect((await r.call('signals.ack', { id: s!.id })).map((x) => x.status)).toEqual(['acknowledged']);
    expect(await r.call('signals.ack', { ids: [] })).toEqual([]);
    // bulk: all or nothing — one rejected id refuses the whole request
    await rejects(() => r.call('signals.ack', { ids: [s!.id, rej!.id] }), 'CONFLICT');
    await rejects(() => r.call('signals.ack', { id: rej!.id }), 'CONFLICT');
    await rejects(() => r.call('signals.ack', { id: 9999 }), 'NOT_FOUND');
    const [z] = await r.call('signals.snooze', { id: s!.id, minutes: 0.001 });
    expect(z!.status).toBe('snoozed');
    expect(z!.snoozedUntil).toBeGreaterThan(Date.now() - 1000);
    const notes = () => r.events.filter((e) => e.topic === 'notification.created').map((e) => e.payload as Notification);
    expect(notes()).toHaveLength(1);
    for (let i = 0; i < 50 && r.signals.signals.get(s!.id)!.status === 'snoozed'; i++) await new Promise((res) => setTimeout(res, 20));
    expect(r.signals.signals.get(s!.id)!.status).toBe('delivered');
    expect(notes()).toHaveLength(2);
    expect(notes()[1]!.title).toMatch(/^Reminder: BUY AAA\/USDT/);
  });

  it('lists the registry with defaults', async ({ track }) => {
    const r = await rig(track);
    const list = await r.call('signals.strategies', {});
    expect(list.map((s) => s.id)).toEqual(['ema_cross', 'momentum', 'breakout', 'mean_reversion', 'scalping', 'funding_fade']);
    expect(list[0]!.defaults).toMatchObject({ fast: 9, slow: 21 });
  });
});

describe('the starter channel', () => {
  it('is created once on a fresh database, with the symbols the sim offers (its first three when it lacks BTC/ETH/SOL)', async ({ track }) => {
    const r = track(await sigRig(undefined, undefined, { signals: { starter: true } }));
    await expect.poll(() => r.signals.channels.list().length).toBe(1);
    const [c] = r.signals.channels.list();
    expect(c).toMatchObject({ name: 'Starter (simulated market)', timeframe: '1m', symbols: { source: 'sim', symbols: SYMBOLS.slice(0, 3) } });
    expect(c!.strategies.map((s) => s.id)).toEqual(['ema_cross', 'breakout']);
    // deleting it is respected after a restart
    await r.call('signals.channels.delete', { id: c!.id });
    const r2 = track(await r.restart());
    // The start-up work (starter check, then the rebuild) is over once the rebuild publishes its status.
    await expect.poll(() => r2.events.some((e) => e.topic === 'signals.status')).toBe(true);
    await r2.signals.ready();
    expect(r2.signals.channels.list()).toHaveLength(0);
  });
});
