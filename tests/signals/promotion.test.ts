/**
 * The live-autopilot promotion rule, in the engine where autopilot is enabled (signal channel
 * create / update, strategy resume / params), with the real order engine deciding which account
 * autopilot trades (its default account): refused under 30 tracked outcomes or with a
 * non-positive expectancy, with a structured error and the numbers; allowed with the typed
 * confirmation; allowed when the rule holds; never applied to a paper account.
 */
import { describe, expect } from 'vitest';
import { ApiError } from '../../engine/api/errors';
import { AUTOPILOT_PROMOTION_CONFIRMATION } from '../../engine/api';
import { OrdersModule } from '../../engine/orders/module';
import { StrategiesModule } from '../../engine/signals/strategies-module';
import type { EngineContext } from '../../engine/core/context';
import { contractCall, type RigCall } from '../helpers/rig';
import { it, type Track } from './setup';
import { stratRig, type StratRig } from './strategies-rig';

/** The real order engine on the signals rig's database and bus, its commands through their schemas; stopped after the test. */
async function ordersOn(r: StratRig, track: Track): Promise<{ orders: OrdersModule; ordersCall: RigCall }> {
  const orders = new OrdersModule({ db: r.db, bus: r.bus, opts: { dataDir: r.dataDir } as never, clock: () => r.clock.now }, r.notify, { pollMs: 60_000, retryBaseMs: 20 });
  orders.start();
  await orders.ready;
  track({ stop: () => orders.stop() });
  return { orders, ordersCall: contractCall('order', orders.handlers) };
}

/** The signals rig with the real order engine; autopilot trades its default account, made a live one here. */
async function liveRig(track: Track): Promise<{ r: StratRig; orders: OrdersModule }> {
  const r = track(await stratRig());
  const { orders, ordersCall } = await ordersOn(r, track);
  const live = await ordersCall('accounts.create', { name: 'Binance live', kind: 'live', apiKey: 'k', secret: 's' });
  await ordersCall('accounts.update', { id: live.id, isDefault: true });
  // The module under test reads the order engine's default account, as the engine wires it.
  r.strategies = new StrategiesModule({ db: r.db, bus: r.bus, opts: { dataDir: r.dataDir } as never, clock: () => r.clock.now } as EngineContext, r.signals, () => {
    const a = orders.account();
    return { id: a.id, name: a.name, kind: a.kind };
  });
  return { r, orders };
}

async function refusal(p: () => unknown): Promise<ApiError> {
  try {
    await p();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected a refusal');
}

const ones = (n: number, v: number): number[] => Array.from({ length: n }, () => v);
const enableAutopilot = (r: StratRig, id: number, confirm?: string) => r.call('signals.channels.update', { id, autopilot: true, ...(confirm ? { confirm } : {}) });

describe('autopilot promotion on a live account', () => {
  it('refuses under 30 tracked outcomes with a reason code and the numbers, and changes nothing', async ({ track }) => {
    const { r } = await liveRig(track);
    const c = await r.createChannel({ name: 'Young', strategies: [{ id: 'ema_cross', params: {} }] });
    r.outcomes(c, 'ema_cross', {}, ones(29, 1));
    const e = await refusal(() => enableAutopilot(r, c));
    expect(e.code).toBe('UNPROCESSABLE');
    expect(e.message).toMatch(/^refused: autopilot of Young on live account Binance live needs 30 tracked outcomes/);
    expect(e.message).toMatch(/ema_cross has 29 tracked outcomes, fewer than 30/);
    expect(e.details).toMatchObject({
      field: 'confirm',
      reasonCode: 'TOO_FEW_OUTCOMES',
      confirm: AUTOPILOT_PROMOTION_CONFIRMATION,
      channel: c,
      account: { name: 'Binance live', kind: 'live' },
      minOutcomes: 30,
      strategies: [{ strategy: 'ema_cross', outcomes: 29, ok: false, reasonCode: 'TOO_FEW_OUTCOMES' }],
    });
    expect(r.signals.channels.get(c)!.autopilot).toBe(false);
    // The same numbers, asked before trying.
    expect(await r.call('strategies.promotion', { channel: c })).toMatchObject({ allowed: false, reasonCode: 'TOO_FEW_OUTCOMES', strategies: [{ outcomes: 29 }] });
    // A new channel created with autopilot on has no outcomes at all.
    const created = await refusal(() => r.call('signals.channels.create', { name: 'New auto', strategies: [{ id: 'breakout', params: {} }], symbols: { source: 'sim', symbols: ['AAA/USDT'] }, timeframe: '1m', autopilot: true }));
    expect(created.details).toMatchObject({ reasonCode: 'TOO_FEW_OUTCOMES', channel: null, strategies: [{ strategy: 'breakout', outcomes: 0 }] });
    expect(r.signals.channels.list().map((x) => x.name)).toEqual(['Young']);
  });

  it('refuses 30+ outcomes with a non-positive expectancy', async ({ track }) => {
    const { r } = await liveRig(track);
    const c = await r.createChannel({ name: 'Loser', strategies: [{ id: 'ema_cross', params: {} }] });
    // 20 wins of +1 and 20 losses of −1: expectancy exactly 0.
    r.outcomes(c, 'ema_cross', {}, [...ones(20, 1), ...ones(20, -1)]);
    const e = await refusal(() => enableAutopilot(r, c));
    expect(e.details).toMatchObject({ reasonCode: 'NON_POSITIVE_EXPECTANCY', strategies: [{ outcomes: 40, expectancyPct: 0, ok: false }] });
    expect(e.message).toMatch(/40 tracked outcomes with expectancy \+0\.00 %, not positive/);
    expect(r.signals.channels.get(c)!.autopilot).toBe(false);
  });

  it('allows it with the typed confirmation (and not with a wrong one)', async ({ track }) => {
    const { r } = await liveRig(track);
    const c = await r.createChannel({ name: 'Override', strategies: [{ id: 'ema_cross', params: {} }] });
    await refusal(() => enableAutopilot(r, c, 'enable live autopilot'));
    const ch = await enableAutopilot(r, c, AUTOPILOT_PROMOTION_CONFIRMATION);
    expect(ch.autopilot).toBe(true);
    expect(r.signals.channels.get(c)!.autopilot).toBe(true);
    // The confirmation is never stored with the channel.
    expect(JSON.stringify(r.signals.channels.get(c))).not.toContain(AUTOPILOT_PROMOTION_CONFIRMATION);
  });

  it('allows it when every trading strategy has 30+ outcomes with positive expectancy; a paused one does not count until resumed', async ({ track }) => {
    const { r } = await liveRig(track);
    const c = await r.createChannel({ name: 'Proven', strategies: [{ id: 'ema_cross', params: {} }, { id: 'breakout', params: {} }] });
    const next = r.outcomes(c, 'ema_cross', {}, [...ones(20, 1.5), ...ones(10, -1)]);
    // breakout is unproven: refused while it would trade …
    expect((await refusal(() => enableAutopilot(r, c))).details).toMatchObject({ strategies: [{ strategy: 'ema_cross', ok: true }, { strategy: 'breakout', ok: false, outcomes: 0 }] });
    // … allowed once it is paused.
    await r.call('strategies.pause', { channel: c, strategy: 'breakout' });
    expect(await r.call('strategies.promotion', { channel: c })).toMatchObject({ allowed: true, reasonCode: 'PROMOTION_OK', strategies: [{ strategy: 'ema_cross', outcomes: 30 }] });
    const ch = await enableAutopilot(r, c);
    expect(ch.autopilot).toBe(true);
    // Resuming the unproven strategy on a live autopilot channel is the same promotion: refused, unless confirmed.
    const e = await refusal(() => r.call('strategies.resume', { channel: c, strategy: 'breakout' }));
    expect(e.details).toMatchObject({ reasonCode: 'TOO_FEW_OUTCOMES', strategies: [{ strategy: 'breakout' }] });
    expect(r.signals.channels.get(c)!.strategies[1]!.paused).toBe(true);
    r.outcomes(c, 'breakout', {}, ones(30, 0.5), next);
    const resumed = await r.call('strategies.resume', { channel: c, strategy: 'breakout' });
    expect(resumed.strategies[1]!.paused).toBeUndefined();
    // New params have no tracked outcomes of their own: applying them on a live autopilot channel needs the confirmation.
    expect((await refusal(() => r.call('strategies.setParams', { channel: c, strategy: 'ema_cross', params: { fast: 5, slow: 30 } }))).details).toMatchObject({ reasonCode: 'TOO_FEW_OUTCOMES' });
    const applied = await r.call('strategies.setParams', { channel: c, strategy: 'ema_cross', params: { fast: 5, slow: 30 }, confirm: AUTOPILOT_PROMOTION_CONFIRMATION });
    expect(applied.strategies[0]!.params).toMatchObject({ fast: 5, slow: 30 });
  });

  it('making a live account the default (the account autopilot trades) follows the rule for every autopilot channel', async ({ track }) => {
    const r = track(await stratRig());
    const { orders, ordersCall } = await ordersOn(r, track);
    const strategies = new StrategiesModule({ db: r.db, bus: r.bus, opts: { dataDir: r.dataDir } as never, clock: () => r.clock.now } as EngineContext, r.signals, () => {
      const a = orders.account();
      return { id: a.id, name: a.name, kind: a.kind };
    });
    // As the engine wires it (engine/core/engine.ts).
    orders.setHooks({ beforeLiveDefault: (a, confirm) => strategies.guardLiveDefault(a, confirm) });
    const paper = orders.account();
    // Autopilot on the paper default: no rule.
    const c = await r.createChannel({ name: 'Auto on paper', strategies: [{ id: 'ema_cross', params: {} }], autopilot: true });
    const live = await ordersCall('accounts.create', { name: 'Binance live', kind: 'live', apiKey: 'k', secret: 's' });
    const e = await refusal(() => ordersCall('accounts.update', { id: live.id, isDefault: true }));
    expect(e.code).toBe('UNPROCESSABLE');
    expect(e.message).toMatch(/^refused: autopilot of Auto on paper on live account Binance live needs 30/);
    expect(e.details).toMatchObject({ reasonCode: 'TOO_FEW_OUTCOMES', channel: c });
    expect(orders.account().id).toBe(paper.id);
    // Proven: allowed.
    r.outcomes(c, 'ema_cross', {}, ones(30, 1));
    await ordersCall('accounts.update', { id: live.id, isDefault: true });
    expect(orders.account().id).toBe(live.id);
    // A second, unproven autopilot channel blocks switching back and forth — unless confirmed.
    await ordersCall('accounts.update', { id: paper.id, isDefault: true });
    await r.call('signals.channels.create', { name: 'Unproven', strategies: [{ id: 'breakout', params: {} }], symbols: { source: 'sim', symbols: ['AAA/USDT'] }, timeframe: '1m', autopilot: true });
    expect((await refusal(() => ordersCall('accounts.update', { id: live.id, isDefault: true }))).details).toMatchObject({ reasonCode: 'TOO_FEW_OUTCOMES', strategies: [{ strategy: 'breakout' }] });
    await ordersCall('accounts.update', { id: live.id, isDefault: true, confirm: AUTOPILOT_PROMOTION_CONFIRMATION });
    expect(orders.account().id).toBe(live.id);
  });

  it('does not apply when autopilot trades a paper account', async ({ track }) => {
    const r = track(await stratRig());
    const c = await r.createChannel({ name: 'Paper auto', strategies: [{ id: 'ema_cross', params: {} }] });
    const ch = await enableAutopilot(r, c);
    expect(ch.autopilot).toBe(true);
    expect(await r.call('strategies.promotion', { channel: c })).toMatchObject({ allowed: true, reasonCode: 'NOT_LIVE_ACCOUNT' });
  });
});
