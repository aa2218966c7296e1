/**
 * backtest.run / sweep / get / list / cancel / delete and `backtest.progress` on the real engine
 * (real SQLite file, the simulated market's stored history, the real worker pool).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../engine/api/errors';
import { parseInput } from '../../engine/api/validate';
import type { BacktestProgress, BacktestRun, CommandInput, CommandName, CommandResult } from '../../engine/api';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { runBacktest } from '../../engine/backtest/runner';
import { closePool } from '../../engine/indicators';
import { tempDir } from '../helpers/serve';

let engine: Engine;
const dataDir = tempDir('sd-bt-');
const progress: BacktestProgress[] = [];
const opts: EngineOptions = { dataDir, mode: 'serve', version: 'test', simSeed: 11, simSpeed: 1, simSymbols: 2, simHistoryDays: 3, tickMs: 3_600_000 };

beforeAll(() => {
  engine = new Engine(opts, (topic, payload) => {
    if (topic === 'backtest.progress') progress.push(payload as BacktestProgress);
  });
  engine.start();
});
afterAll(async () => {
  engine?.stop();
  await closePool();
});

async function call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>> {
  return engine.handle(name, parseInput(name, input));
}
async function callError(name: CommandName, input: unknown): Promise<ApiError> {
  try {
    await engine.handle(name, parseInput(name, input as never));
  } catch (err) {
    return err as ApiError;
  }
  throw new Error(`${name} accepted ${JSON.stringify(input)}`);
}
async function finished(id: number): Promise<BacktestRun> {
  for (let i = 0; i < 600; i++) {
    const r = await call('backtest.get', { id });
    if (r.status !== 'queued' && r.status !== 'running') return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`backtest ${id} did not finish`);
}

describe('backtest commands', () => {
  it('backtest.run computes in the pool what the engine computes in process on the same stored bars; progress ends done', async () => {
    const sym = (await call('market.symbols', { source: 'sim' }))[0]!;
    const input = { strategy: { id: 'ema_cross', params: { fast: 5, slow: 13 } }, source: 'sim', symbols: [sym], timeframe: '5m' as const, direction: 'both' as const, stake: { mode: 'equityPercent' as const, value: 20 } };
    const { id } = await call('backtest.run', input);
    const r = await finished(id);
    expect(r.error).toBeNull();
    expect(r.status).toBe('done');
    expect(r.input).toMatchObject(input);
    expect(r.trades.length).toBeGreaterThan(3);
    expect(r.barsDone).toBe(r.barsTotal);
    const bars = (await call('market.candles', { source: 'sim', symbol: sym, timeframe: '5m', limit: 5000 })).filter((c) => c[0] + 300_000 <= engine.market.clock());
    expect(r.barsTotal).toBe(bars.length);
    const local = runBacktest({ ...input, timeframe: '5m' }, [{ symbol: sym, bars: bars.map((c) => ({ ts: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] })) }]);
    expect(r.trades).toEqual(local.trades);
    expect(r.metrics!.finalEquity).toBe(local.metrics.finalEquity);
    expect(r.equity[0]).toEqual([bars[0]![0], 10_000]);
    expect(r.equity.at(-1)![1]).toBe(local.metrics.finalEquity);
    const mine = progress.filter((p) => p.id === id);
    expect(mine[0]!.status).toBe('running');
    expect(mine.at(-1)).toMatchObject({ status: 'done', barsDone: r.barsTotal, barsTotal: r.barsTotal, etaMs: 0 });
    const list = await call('backtest.list', {});
    expect(list[0]).toMatchObject({ id, kind: 'run', status: 'done' });
    expect(list[0]).not.toHaveProperty('trades');
  });

  it('refuses bad input with a structured error naming the field, and stores nothing', async () => {
    const before = (await call('backtest.list', {})).length;
    const base = { strategy: { id: 'ema_cross' }, source: 'sim', symbols: ['BTC/USDT'], timeframe: '5m' };
    expect(await callError('backtest.run', { ...base, strategy: { id: 'nope' } })).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/Unknown strategy: nope/) as unknown as string });
    expect(await callError('backtest.run', { ...base, strategy: { id: 'ema_cross', params: { fast: 30, slow: 10 } } })).toMatchObject({ code: 'BAD_INPUT' });
    expect(await callError('backtest.run', { ...base, symbols: ['NOPE/USDT'] })).toMatchObject({ code: 'UNPROCESSABLE', details: { field: 'symbols' } });
    expect(await callError('backtest.run', { ...base, from: 10, to: 5 })).toMatchObject({ code: 'BAD_INPUT' });
    expect(await callError('backtest.run', { ...base, direction: 'sideways' })).toMatchObject({ code: 'BAD_INPUT' });
    expect(await callError('backtest.run', { ...base, stake: { mode: 'equityPercent', value: 150 } })).toMatchObject({ code: 'BAD_INPUT' });
    expect(await callError('backtest.sweep', { ...base, grid: { speed: [1, 2] } })).toMatchObject({ code: 'BAD_INPUT', details: { field: 'grid' } });
    expect(await callError('backtest.get', { id: 999_999 })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await call('backtest.list', {})).length).toBe(before);
  });

  it('backtest.sweep ranks every combination by the objective and re-runs the best out of sample; refused combinations are listed', async () => {
    const sym = (await call('market.symbols', { source: 'sim' }))[1]!;
    const { id, combinations } = await call('backtest.sweep', {
      strategy: { id: 'ema_cross' },
      source: 'sim',
      symbols: [sym],
      timeframe: '5m',
      direction: 'both',
      grid: { fast: [3, 5, 8], slow: [8, 13, 21] },
      objective: 'totalReturnPct',
    });
    expect(combinations).toBe(9);
    const r = await finished(id);
    expect(r.error).toBeNull();
    const s = r.sweep!;
    expect(s.rows).toHaveLength(9);
    expect(s.rows.filter((x) => x.error).map((x) => x.params)).toEqual([{ fast: 8, slow: 8 }]); // fast must be shorter than slow
    const ok = s.rows.filter((x) => !x.error);
    const objectives = ok.map((x) => x.objective!);
    expect(objectives).toEqual([...objectives].sort((a, b) => b - a));
    expect(ok.every((x) => x.objective === x.metrics!.totalReturnPct)).toBe(true);
    expect(s.best!.params).toEqual(ok[0]!.params);
    expect(s.best!.inSample).toEqual(ok[0]!.metrics);
    expect(s.best!.outOfSample).not.toBeNull();
    expect(s.outOfSamplePct).toBe(30);
    // the in-sample run is exactly the best params on the bars before the split
    const bars = (await call('market.candles', { source: 'sim', symbol: sym, timeframe: '5m', limit: 5000 }))
      .filter((c) => c[0] + 300_000 <= engine.market.clock())
      .map((c) => ({ ts: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] }));
    const is = runBacktest({ strategy: { id: 'ema_cross', params: s.best!.params }, timeframe: '5m', direction: 'both' }, [{ symbol: sym, bars: bars.filter((b) => b.ts < s.splitTs) }]);
    const oos = runBacktest({ strategy: { id: 'ema_cross', params: s.best!.params }, timeframe: '5m', direction: 'both' }, [{ symbol: sym, bars: bars.filter((b) => b.ts >= s.splitTs) }]);
    expect(s.best!.inSample.finalEquity).toBe(is.metrics.finalEquity);
    expect(s.best!.outOfSample!.finalEquity).toBe(oos.metrics.finalEquity);
    const mine = progress.filter((p) => p.id === id);
    expect(mine.at(-1)).toMatchObject({ status: 'done', combosDone: 9, combosTotal: 9 });
  });

  it('cancel stops a running sweep (status cancelled, persisted); delete removes a run; a finished run keeps its status', async () => {
    const sym = (await call('market.symbols', { source: 'sim' }))[0]!;
    const { id } = await call('backtest.sweep', { strategy: { id: 'ema_cross' }, source: 'sim', symbols: [sym], timeframe: '1m', grid: { fast: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], slow: [12, 14, 16, 18, 20, 22, 24, 26, 28, 30] } });
    expect(await call('backtest.cancel', { id })).toEqual({ id, status: 'cancelled' });
    const r = await finished(id);
    expect(r.status).toBe('cancelled');
    expect(r.sweep).toBeNull();
    expect(progress.filter((p) => p.id === id).at(-1)).toMatchObject({ status: 'cancelled' });
    const done = (await call('backtest.list', {})).find((x) => x.status === 'done')!;
    expect(await call('backtest.cancel', { id: done.id })).toEqual({ id: done.id, status: 'done' });
    expect(await call('backtest.delete', { id: done.id })).toEqual({ id: done.id, deleted: true });
    expect(await callError('backtest.get', { id: done.id })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError('backtest.delete', { id: done.id })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('runs persist across a restart of the engine', async () => {
    const list = await call('backtest.list', {});
    engine.stop();
    engine = new Engine(opts, () => {});
    engine.start();
    expect((await call('backtest.list', {})).map((x) => [x.id, x.status])).toEqual(list.map((x) => [x.id, x.status]));
  });
});
