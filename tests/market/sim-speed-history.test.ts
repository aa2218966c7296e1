/**
 * Run-time sim speed (`market.sim.setSpeed`, the "demo speed" toggle) and older history on demand
 * (`market.candles` with `before`), through the contract's schemas on a real engine and SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../engine/api/errors';
import { parseInput } from '../../engine/api/validate';
import type { CommandInput, CommandName, CommandResult, Events } from '../../engine/api';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { SimClock } from '../../engine/market/sim';
import { tempDir } from '../helpers/serve';

let engine: Engine;
const events: Array<{ topic: string; payload: unknown }> = [];

beforeAll(() => {
  const opts: EngineOptions = { dataDir: tempDir('sd-speed-'), mode: 'serve', version: 'test', simSeed: 3, simSpeed: 1, simSymbols: 2, simHistoryDays: 3, tickMs: 3_600_000 };
  engine = new Engine(opts, (topic, payload) => events.push({ topic, payload }));
  engine.start();
});
afterAll(() => engine?.stop());

async function call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>> {
  return engine.handle(name, parseInput(name, input));
}
function refusal(name: CommandName, input: unknown): ApiError {
  try {
    parseInput(name, input as never);
  } catch (err) {
    return err as ApiError;
  }
  throw new Error(`${name} accepted ${JSON.stringify(input)}`);
}

describe('sim speed at run time', () => {
  it('a clock changes speed without jumping: 1× then 60× from the same instant', () => {
    let real = 1_000_000;
    const clock = new SimClock(5_000_000, 1, () => real);
    real += 10_000;
    expect(clock.now()).toBe(5_010_000);
    clock.setSpeed(60);
    expect(clock.now()).toBe(5_010_000);
    real += 1_000;
    expect(clock.now()).toBe(5_070_000);
    clock.setSpeed(1);
    real += 1_000;
    expect(clock.now()).toBe(5_071_000);
  });

  it('market.sim.setSpeed changes the engine speed (system.info, the clock event) and answers the previous one', async () => {
    expect((await call('system.info', {})).sim?.speed).toBe(1);
    expect(await call('market.sim.setSpeed', { speed: 60 })).toEqual({ speed: 60, previous: 1 });
    expect((await call('system.info', {})).sim?.speed).toBe(60);
    const clocks = events.filter((e) => e.topic === 'system.clock').map((e) => e.payload as Events['system.clock']);
    expect(clocks[clocks.length - 1]?.speed).toBe(60);
    expect(await call('market.sim.setSpeed', { speed: 1 })).toEqual({ speed: 1, previous: 60 });
  });

  it('refuses a speed out of range, naming the field', () => {
    for (const bad of [{ speed: 0 }, { speed: -5 }, { speed: 'fast' }, {}, { speed: 10, extra: 1 }]) {
      const e = refusal('market.sim.setSpeed', bad);
      expect(e.code).toBe('BAD_INPUT');
      expect(JSON.stringify(e.details)).toMatch(/speed|extra/);
    }
  });
});

describe('older history on demand', () => {
  it('pages back with before: contiguous, no overlap, up to the first stored bar (1m and aggregated 1h)', async () => {
    for (const timeframe of ['1m', '1h'] as const) {
      const step = timeframe === '1m' ? 60_000 : 3_600_000;
      const newest = await call('market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe, limit: 1000 });
      let all = newest.slice();
      for (let page = 0; page < 20; page++) {
        const older = await call('market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe, limit: 1000, before: all[0]![0] });
        if (older.length === 0) break;
        expect(older[older.length - 1]![0]).toBe(all[0]![0] - step);
        all = [...older, ...all];
      }
      for (let i = 1; i < all.length; i++) expect(all[i]![0] - all[i - 1]![0]).toBe(step);
      // Three days of 1m history (plus the bars since): everything stored came back.
      if (timeframe === '1m') expect(all.length).toBeGreaterThanOrEqual(3 * 1440);
      else expect(all.length).toBeGreaterThanOrEqual(72);
      const first = await call('market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', limit: 5, since: 0 });
      expect(all[0]![0]).toBe(first[0]![0] - (first[0]![0] % step));
    }
  });

  it('refuses since and before together', () => {
    const e = refusal('market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', since: 1, before: 2 });
    expect(e.code).toBe('BAD_INPUT');
    expect(JSON.stringify(e.details)).toContain('before');
  });
});
