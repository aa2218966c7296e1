/**
 * A health alert from a real failing source: the real engine's collector polls a ccxt source
 * pointed (baseUrl) at a fake exchange on loopback that starts answering 500; the health rule
 * fires once from the collector's own health, and resolves itself when the exchange recovers.
 */
import { describe, expect } from 'vitest';
import { rigTest as it } from '../helpers/rig';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { parseInput } from '../../engine/api/validate';
import type { Alert, CommandInput, CommandName, CommandResult } from '../../engine/api';
import { tempDir } from '../helpers/serve';
import { FakeMarketExchange } from '../fakes/fake-exchange-market';
import { waitFor } from '../delivery/rig';

const call = <N extends CommandName>(e: Engine, name: N, input: CommandInput<N>): Promise<CommandResult<N>> => e.handle(name, parseInput(name, input));

describe('health alerts from a real source', () => {
  it('a ccxt source whose exchange answers 500 fires a failed alert once, which resolves itself on recovery', async ({ track }) => {
    const fx = new FakeMarketExchange();
    await fx.start();
    const opts: EngineOptions = { dataDir: tempDir('sd-alerts-health-'), mode: 'serve', version: 'test', simSeed: 3, simSpeed: 1, simSymbols: 1, simHistoryDays: 1, tickMs: 50 };
    const fired: Alert[] = [];
    const e = new Engine(opts, (topic, payload) => {
      if (topic === 'alert.fired') fired.push(payload as Alert);
    });
    e.start();
    track(fx);
    track(e);
    await call(e, 'market.sources.add', { id: 'fx', kind: 'ccxt', exchange: 'binance', baseUrl: fx.url, symbols: ['BTC/USDT'], timeframes: ['1m'], rateLimitMs: 0 });
    const rule = await call(e, 'alerts.rules.create', { kind: 'health', condition: { source: 'fx', status: 'failed', forMinutes: 0 }, priority: 'high' });
    fx.inject('internal', { times: 100_000 });
    const a = await waitFor(
      'the health alert',
      async () => {
        await e.alerts.tick();
        return fired.find((x) => x.ruleId === rule.id);
      },
      60_000,
    );
    expect(a).toMatchObject({ kind: 'health', priority: 'high', status: 'active', source: 'fx', values: { status: 'failed' } });
    expect(a.message).toMatch(/^fx has been failed for 0 min: binance .*Internal error/);
    // The collector's own health says so too (nothing was fed to the alerts module).
    expect((await call(e, 'market.health', {})).find((h) => h.source === 'fx')).toMatchObject({ status: 'failed' });
    expect(fx.requests.some((r) => r.status === 500)).toBe(true);
    // Evaluated again while it stays failed: still one alert.
    for (let i = 0; i < 3; i++) await e.alerts.tick();
    expect(fired.filter((x) => x.ruleId === rule.id)).toHaveLength(1);

    // The exchange recovers and the trader restarts the source (a changed setting restarts it):
    // its first success clears the status, and the alert resolves itself.
    fx.clearFaults();
    await call(e, 'market.sources.update', { id: 'fx', rateLimitMs: 1 });
    const resolved = await waitFor(
      'the health alert to resolve itself',
      async () => {
        await e.alerts.tick();
        const x = (await call(e, 'alerts.list', { kind: 'health' }))[0];
        return x?.status === 'resolved' ? x : undefined;
      },
      90_000,
    );
    expect(resolved.resolution).toMatch(/^resolved itself: fx is no longer failed \(now \w+\)$/);
    expect(fired.filter((x) => x.ruleId === rule.id)).toHaveLength(1);
  }, 120_000);
});
