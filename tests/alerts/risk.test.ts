/**
 * Risk alerts in the real engine (sim market, paper account): a daily loss beyond X % and a
 * drawdown stage change each fire once on a crash of the live price, and resolve themselves,
 * saying so, when the price comes back.
 */
import { describe, expect } from 'vitest';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { parseInput } from '../../engine/api/validate';
import type { Alert, CommandInput, CommandName, CommandResult } from '../../engine/api';
import { rigTest as it } from '../helpers/rig';
import { tempDir } from '../helpers/serve';
import { waitFor } from '../delivery/rig';

const call = <N extends CommandName>(e: Engine, name: N, input: CommandInput<N>): Promise<CommandResult<N>> => e.handle(name, parseInput(name, input));

describe('risk alerts end to end', () => {
  it('daily_loss and drawdown_stage fire once on a crash and resolve themselves when it clears', async ({ track }) => {
    const opts: EngineOptions = { dataDir: tempDir('sd-alerts-risk-'), mode: 'serve', version: 'test', simSeed: 5, simSpeed: 1, simSymbols: 2, simHistoryDays: 1, tickMs: 50 };
    const fired: Alert[] = [];
    const e = track(
      new Engine(opts, (topic, payload) => {
        if (topic === 'alert.fired') fired.push(payload as Alert);
      }),
    );
    e.start();
    const last = await waitFor('a live BTC price', () => e.alerts.lastPrice('sim', 'BTC/USDT'), 30_000);
    await call(e, 'risk.update', { limits: { maxDrawdownPct: 3 } });
    const equity = Number((await call(e, 'positions.equity', {})).at(-1)?.equity ?? '10000');
    const intent = await call(e, 'orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: ((equity * 0.1) / last).toFixed(4), idempotencyKey: 'alerts-risk-1' });
    expect(intent.decision).toBe('EXECUTED');
    // A paper market order fills on the next live price.
    await waitFor('the BTC position', async () => (await call(e, 'positions.list', {})).find((p) => p.symbol === 'BTC/USDT'), 30_000);
    const daily = await call(e, 'alerts.rules.create', { kind: 'risk', condition: { event: 'daily_loss', thresholdPct: 2 }, priority: 'high' });
    const stage = await call(e, 'alerts.rules.create', { kind: 'risk', condition: { event: 'drawdown_stage' }, priority: 'critical' });
    await e.alerts.tick();
    expect(fired).toEqual([]);

    // BTC drops 35 % on the live price: ~3.5 % of equity lost (the 10 % position), past the 2 % daily
    // limit and the 3 % drawdown limit (the paused stage). Evaluated before the sim's next tick.
    const now = e.market.clock();
    e.bus.publish('candle.updated', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', candle: [now - (now % 60_000), last, last, last * 0.65, last * 0.65, 1] });
    await e.alerts.tick();
    expect(fired.map((a) => a.ruleId).sort()).toEqual([daily.id, stage.id].sort());
    const d = fired.find((a) => a.ruleId === daily.id)!;
    const s = fired.find((a) => a.ruleId === stage.id)!;
    expect(d).toMatchObject({ kind: 'risk', priority: 'high', status: 'active' });
    expect(d.message).toMatch(/: daily loss \d+\.\d\d % is beyond 2 %$/);
    expect(Number(d.values.dailyPnlPct)).toBeLessThan(-2);
    expect(s).toMatchObject({ kind: 'risk', priority: 'critical', status: 'active', values: { stage: 'paused', from: 'normal' } });
    expect(s.message).toMatch(/: drawdown stage normal → paused \(drawdown \d+\.\d\d %\)$/);
    // Still crashed: evaluating again fires nothing new.
    e.bus.publish('candle.updated', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', candle: [now - (now % 60_000), last, last, last * 0.65, last * 0.65, 1] });
    await e.alerts.tick();
    expect(fired).toHaveLength(2);

    // The sim's next tick brings the live price back: both alerts resolve themselves and say so.
    const resolved = await waitFor(
      'both risk alerts to resolve themselves',
      async () => {
        await e.alerts.tick();
        const list = await call(e, 'alerts.list', { kind: 'risk' });
        return list.length === 2 && list.every((a) => a.status === 'resolved') ? list : undefined;
      },
      30_000,
    );
    const byRule = new Map(resolved.map((a) => [a.ruleId, a]));
    expect(byRule.get(daily.id)!.resolution).toMatch(/^resolved itself: .+'s daily loss is back within 2 % \(-?\d+\.\d\d %\)$/);
    expect(byRule.get(stage.id)!.resolution).toMatch(/^resolved itself: .+ is back to the normal stage \(drawdown \d+\.\d\d %\)$/);
    expect(fired).toHaveLength(2);
    expect(await call(e, 'alerts.stats', {})).toMatchObject({ total: 2, active: 0, resolved: 2, byKind: { risk: 2 } });
  }, 90_000);
});
