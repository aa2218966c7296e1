import { describe, expect } from 'vitest';
import { rigTest as it } from '../helpers/rig';
import { ApiError } from '../../engine/api/errors';
import { alertRig, T0, MIN } from './rig';


describe('alerts: price rules on the live price', () => {
  it('a crossing on forming-bar updates (between closes) fires once, with a readable message, and desktop gets it', async ({ track }) => {
    const r = track(await alertRig());
    const id = await r.create({ kind: 'price', condition: { source: 'sim', symbol: 'AAA/USDT', op: 'crosses_above', value: 70_000 }, priority: 'high' });
    r.price('AAA/USDT', 69_900, T0 + 1000);
    r.price('AAA/USDT', 69_990, T0 + 2000);
    expect(r.fired()).toHaveLength(0);
    r.price('AAA/USDT', 70_012.5, T0 + 3000); // same 1m bar, not closed: the live price
    r.price('AAA/USDT', 70_050, T0 + 4000);
    const fired = r.fired();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ ruleId: id, kind: 'price', priority: 'high', status: 'active', message: 'AAA/USDT crossed above 70,000.00 at 70,012.50', firedAt: T0 + 3000, symbol: 'AAA/USDT' });
    expect(fired[0]!.values.price).toBe(70_012.5);
    const notes = r.s.notify.repo.list({ kind: 'alert' });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toBe('AAA/USDT crossed above 70,000.00 at 70,012.50');
    expect(r.alerts.router.sent.get('desktop')).toEqual({ messages: 1, summaries: 0 });
  });

  it('crosses_below, and a new crossing after a way back fires again; the throttle holds crossings within its window', async ({ track }) => {
    const r = track(await alertRig());
    await r.create({ kind: 'price', condition: { source: 'sim', symbol: 'AAA/USDT', op: 'crosses_below', value: 100 }, throttleMinutes: 10 });
    r.price('AAA/USDT', 101, T0);
    r.price('AAA/USDT', 99, T0 + MIN); // fires
    r.price('AAA/USDT', 101, T0 + 2 * MIN);
    r.price('AAA/USDT', 99, T0 + 3 * MIN); // a new crossing, but within 10 minutes: throttled
    expect(r.fired()).toHaveLength(1);
    r.price('AAA/USDT', 101, T0 + 11 * MIN);
    r.price('AAA/USDT', 98, T0 + 12 * MIN); // outside the window: fires
    expect(r.fired().map((a) => a.firedAt)).toEqual([T0 + MIN, T0 + 12 * MIN]);
    expect(r.alerts.stats.throttled).toBe(1);
  });

  it('once: the rule disables itself after its first firing', async ({ track }) => {
    const r = track(await alertRig());
    const id = await r.create({ kind: 'price', condition: { source: 'sim', symbol: 'AAA/USDT', op: 'crosses_above', value: 10 }, once: true });
    r.price('AAA/USDT', 9, T0);
    r.price('AAA/USDT', 11, T0 + 1000);
    r.price('AAA/USDT', 9, T0 + 2000);
    r.price('AAA/USDT', 11, T0 + 3000);
    expect(r.fired()).toHaveLength(1);
    expect(r.alerts.rules.get(id)!.enabled).toBe(false);
  });

  it('moves ±X % within N minutes fires once per move', async ({ track }) => {
    const r = track(await alertRig());
    await r.create({ kind: 'price', condition: { source: 'sim', symbol: 'BBB/USDT', op: 'moves_pct', value: 5, windowMinutes: 10 } });
    r.price('BBB/USDT', 100, T0);
    r.price('BBB/USDT', 103, T0 + 2 * MIN);
    expect(r.fired()).toHaveLength(0);
    r.price('BBB/USDT', 105.5, T0 + 4 * MIN);
    r.price('BBB/USDT', 106, T0 + 5 * MIN); // the same move continuing: not again
    expect(r.fired()).toHaveLength(1);
    expect(r.fired()[0]!.message).toBe('BBB/USDT rose 5.50 % within 10 min: 100 → 105.5');
    r.price('BBB/USDT', 100, T0 + 6 * MIN); // fell 5.66 % from 106 since the firing
    expect(r.fired()).toHaveLength(2);
    expect(r.fired()[1]!.values.changePct).toBeLessThan(-5);
  });

  it('unknown sources and symbols are refused with 400 naming the field, and nothing is created', async ({ track }) => {
    const r = track(await alertRig());
    const bad = async (input: unknown, field: string): Promise<void> => {
      const e = await Promise.resolve()
        .then(() => r.create(input as never))
        .then(() => null, (err: unknown) => err);
      expect(JSON.stringify(e)).toBeDefined();
      // Through the contract's schema, as a transport calls it: a structured 400.
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(400);
      const msg = e instanceof ApiError ? `${e.message} ${JSON.stringify(e.details)}` : String(e);
      expect(msg).toContain(field);
    };
    await bad({ kind: 'price', condition: { source: 'nope', symbol: 'AAA/USDT', op: 'crosses_above', value: 1 } }, 'condition.source');
    await bad({ kind: 'price', condition: { source: 'sim', symbol: 'ZZZ/USDT', op: 'crosses_above', value: 1 } }, 'condition.symbol');
    await bad({ kind: 'indicator', condition: { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', feature: 'rsi_x', op: '<', value: 30 } }, 'condition.feature');
    await bad({ kind: 'goal', condition: { goal: 77, becomes: ['behind'] } }, 'condition.goal');
    await bad({ kind: 'performance', condition: { strategy: 'nope', metric: 'win_rate', below: 40, lastN: 10 } }, 'condition.strategy');
    expect(r.alerts.rules.list()).toHaveLength(0);
  });
});
