/**
 * The real engine on a real data directory (sim market, paper account): price, risk and goal
 * alerts end to end, a restart in the middle, and risk alerts resolving themselves.
 */
import { describe, expect } from 'vitest';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { parseInput } from '../../engine/api/validate';
import type { Alert, CommandInput, CommandName, CommandResult, EventTopic, GoalStatusEvent } from '../../engine/api';
import { rigTest as it } from '../helpers/rig';
import { tempDir } from '../helpers/serve';

type Ev = Array<{ topic: EventTopic; payload: unknown }>;
function startEngine(opts: EngineOptions, events: Ev): Engine {
  const e = new Engine(opts, (topic, payload) => events.push({ topic, payload }));
  e.start();
  return e;
}
const call = <N extends CommandName>(e: Engine, name: N, input: CommandInput<N>): Promise<CommandResult<N>> => e.handle(name, parseInput(name, input));
const fired = (events: Ev): Alert[] => events.filter((x) => x.topic === 'alert.fired').map((x) => x.payload as Alert);

async function waitFor<T>(what: string, f: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('alerts in the real engine', () => {
  it('price crossing on the live price, exposure alert resolving itself, and a restart that neither loses nor repeats', async ({ track }) => {
    const dataDir = tempDir('sd-alerts-engine-');
    const opts: EngineOptions = { dataDir, mode: 'serve', version: 'test', simSeed: 7, simSpeed: 1, simSymbols: 3, simHistoryDays: 1, tickMs: 50 };
    const events: Ev = [];
    const e = track(startEngine(opts, events));
    const last = await waitFor('a live BTC price', () => e.alerts.lastPrice('sim', 'BTC/USDT'));
    const price = await call(e, 'alerts.rules.create', { kind: 'price', condition: { source: 'sim', symbol: 'BTC/USDT', op: 'crosses_above', value: Math.round(last * 1.5) }, priority: 'high' });
    const risk = await call(e, 'alerts.rules.create', { kind: 'risk', condition: { event: 'exposure', thresholdPct: 5 }, priority: 'critical' });
    await waitFor('the live price on its side of the level', () => e.alerts.stats.priceUpdates > 5 || undefined);
    // A jump on the live price (a forming bar, between closes).
    const now = e.market.clock();
    e.bus.publish('candle.updated', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', candle: [now - (now % 60_000), last, last * 2, last, last * 2, 1] });
    expect(fired(events).map((a) => a.ruleId)).toEqual([price.id]);
    // Fired at the source's clock as the update came in (the sim clock runs in real time: allow the ms it took).
    const after = e.market.clock();
    expect(fired(events)[0]!.firedAt).toBeGreaterThanOrEqual(now);
    expect(fired(events)[0]!.firedAt).toBeLessThanOrEqual(after);

    // The jump was injected: let the sim's next tick bring the live price back before sizing an order on it.
    await waitFor('the sim price back near the last', () => Number(e.orders.lastPrice('sim', 'BTC/USDT')) < last * 1.5 || undefined);
    const equity = Number((await call(e, 'positions.equity', {})).at(-1)?.equity ?? '10000');
    // About 10 % of equity at the live price (back near the pre-jump one): beyond the rule's 5 %
    // and inside a new paper account's 20 % cap.
    const amount = ((equity * 0.1) / last).toFixed(4);
    const intent = await call(e, 'orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount, idempotencyKey: 'alerts-exposure-1' });
    expect(intent, intent.reasonMessage ?? '').toMatchObject({ decision: 'EXECUTED' });
    const exposure = await waitFor('the exposure alert', async () => {
      await e.alerts.tick();
      return fired(events).find((a) => a.ruleId === risk.id);
    });
    expect(exposure).toMatchObject({ kind: 'risk', priority: 'critical', symbol: 'BTC/USDT', status: 'active' });
    expect(exposure.message).toMatch(/exposure on BTC\/USDT is \d+\.\d % of equity, beyond 5 %$/);

    // Restart: both alerts are still active, nothing fires again.
    e.stop();
    const e2 = track(startEngine(opts, events));
    const before = fired(events).length;
    await e2.alerts.tick();
    await e2.alerts.tick();
    expect((await call(e2, 'alerts.list', { status: 'active' })).map((a) => a.ruleId).sort()).toEqual([price.id, risk.id].sort());
    expect(fired(events)).toHaveLength(before);

    // Close the position: the exposure alert resolves itself and says so.
    const closed = await call(e2, 'positions.close', { symbol: 'BTC/USDT' });
    expect(closed?.decision).toBe('EXECUTED');
    const resolved = await waitFor('the exposure alert to resolve itself', async () => {
      await e2.alerts.tick();
      const a = (await call(e2, 'alerts.list', { kind: 'risk' }))[0];
      return a?.status === 'resolved' ? a : undefined;
    });
    expect(resolved.resolution).toBe('resolved itself: BTC/USDT exposure is back within 5 % of equity');
    expect(await call(e2, 'alerts.stats', {})).toMatchObject({ total: 2, active: 1, resolved: 1, byKind: { price: 1, risk: 1 } });
    // Bad input over the contract: 400 naming the field.
    await expect(call(e2, 'alerts.rules.create', { kind: 'risk', condition: { account: 99, event: 'daily_loss', thresholdPct: 3 } })).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'condition.account' } });
    await expect(call(e2, 'alerts.rules.create', { kind: 'health', condition: { source: 'kraken', status: 'stale', forMinutes: 5 } })).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'condition.source' } });
  }, 90_000);

  it('a goal alert fires once when the goal turns behind, and not again after a restart', async ({ track }) => {
    const dataDir = tempDir('sd-alerts-goal-');
    const opts: EngineOptions = { dataDir, mode: 'serve', version: 'test', simSeed: 11, simSpeed: 20_000, simSymbols: 1, simHistoryDays: 1, tickMs: 40 };
    const events: Ev = [];
    const e = track(startEngine(opts, events));
    const income = (await call(e, 'goals.list', {})).find((g) => g.type === 'monthly_income')!;
    const rule = await call(e, 'alerts.rules.create', { kind: 'goal', condition: { goal: income.id, becomes: ['behind'] } });
    const a = await waitFor('the goal alert', () => {
      e.goals.tick();
      return fired(events).find((x) => x.ruleId === rule.id);
    });
    expect(a.message).toMatch(/^Goal ".+" is now behind/);
    e.stop();
    const e2 = track(startEngine(opts, events));
    e2.goals.tick();
    await e2.alerts.tick();
    // Exactly one alert per time the goal became behind (the sim runs fast: it may recover and fall back).
    const became = events.filter((x) => x.topic === 'goal.status').map((x) => x.payload as GoalStatusEvent).filter((g) => g.goalId === income.id && g.status === 'behind' && g.from !== 'behind');
    expect(became.length).toBeGreaterThanOrEqual(1);
    expect(fired(events).filter((x) => x.ruleId === rule.id).map((x) => x.firedAt)).toEqual(became.map((g) => g.asOf));
    await expect(call(e2, 'alerts.rules.create', { kind: 'goal', condition: { goal: 999, becomes: ['achieved'] } })).rejects.toMatchObject({ details: { field: 'condition.goal' } });
  }, 90_000);
});
