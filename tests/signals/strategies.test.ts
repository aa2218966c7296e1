/** The Strategies view's engine side: results and their ranking, backtest matching, pause / resume (a paused strategy yields no signals). */
import { describe, expect } from 'vitest';
import { ApiError } from '../../engine/api/errors';
import { BacktestRepo } from '../../db/repos/backtest';
import type { BacktestMetricsView } from '../../engine/api';
import { it, MIN, T0, vPath, zigzag, type Track } from './setup';
import { stratRig, type StratRig } from './strategies-rig';

const rig = async (track: Track): Promise<StratRig> => track(await stratRig());

async function rejects(p: () => unknown, code: string, field?: string): Promise<void> {
  try {
    await p();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(code);
    if (field) expect((e as ApiError).details).toMatchObject({ field });
    return;
  }
  throw new Error('expected a rejection');
}

const metrics = (totalReturnPct: number): BacktestMetricsView =>
  ({ initialBalance: 10_000, finalEquity: 10_000 * (1 + totalReturnPct / 100), totalReturnPct, cagrPct: null, maxDrawdownPct: 3, maxDrawdownDurationMs: 0, sharpe: 1.2, sortino: null, calmar: null, profitFactor: 1.5, winRatePct: 55, expectancy: 4, trades: 12, avgTradePct: 0.3, avgTradeDurationMs: 60_000, exposurePct: 20, feesPaid: 3, bestTrade: 40, worstTrade: -20, buyHoldReturnPct: 1, monthly: [], goals: null }) as BacktestMetricsView;

describe('strategies results and ranking', () => {
  it('gives each channel strategy its live results at its current params and ranks them by the chosen metric', async ({ track }) => {
    const r = await rig(track);
    const a = await r.createChannel({ name: 'Steady', strategies: [{ id: 'ema_cross', params: {} }] });
    const b = await r.createChannel({ name: 'Lumpy', strategies: [{ id: 'breakout', params: {} }] });
    // Steady: 4 wins of +1, 1 loss of −1 → win rate 0.8, PF 4, expectancy +0.6 %.
    r.outcomes(a, 'ema_cross', {}, [1, 1, 1, 1, -1]);
    // Lumpy: 1 win of +10, 2 losses of −2 → win rate 1/3, PF 2.5, expectancy +2 %.
    r.outcomes(b, 'breakout', {}, [10, -2, -2]);
    // An outcome of other params in the same channel is not these params' result.
    r.outcomes(a, 'ema_cross', { fast: 5, slow: 30 }, [-5, -5], 100);

    const byExp = r.strategies.results({ rankBy: 'expectancyPct' });
    expect(byExp.rankBy).toBe('expectancyPct');
    expect(byExp.rows.map((x) => [x.rank, x.channelName, x.strategy])).toEqual([
      [1, 'Lumpy', 'breakout'],
      [2, 'Steady', 'ema_cross'],
    ]);
    const steady = byExp.rows.find((x) => x.channelId === a)!;
    expect(steady.live).toMatchObject({ signals: 5, outcomes: 5, wins: 4, losses: 1, expired: 0 });
    expect(steady.live.winRate).toBeCloseTo(0.8, 9);
    expect(steady.live.profitFactor).toBeCloseTo(4, 9);
    expect(steady.live.expectancyPct).toBeCloseTo(0.6, 9);
    expect(steady.live.avgOutcomePct).toBeCloseTo(0.6, 9);
    // Five signals within one (market) day count as five per day.
    expect(steady.live.signalsPerDay).toBeCloseTo(5, 9);

    const byWin = await r.call('strategies.results', { rankBy: 'winRate' });
    expect(byWin.rows.map((x) => x.channelName)).toEqual(['Steady', 'Lumpy']);
    const byPf = r.strategies.results({ rankBy: 'profitFactor' });
    expect(byPf.rows.map((x) => x.channelName)).toEqual(['Steady', 'Lumpy']);
    const byCount = r.strategies.results({ rankBy: 'outcomes' });
    expect(byCount.rows.map((x) => [x.channelName, x.live.outcomes])).toEqual([
      ['Steady', 5],
      ['Lumpy', 3],
    ]);
    // Filters.
    expect(r.strategies.results({ strategy: 'breakout' }).rows.map((x) => x.channelId)).toEqual([b]);
    expect(r.strategies.results({ channel: a }).rows.map((x) => x.strategy)).toEqual(['ema_cross']);
  });

  it('puts rows without a value last, and says "no backtest yet" (null) until a matching run exists', async ({ track }) => {
    const r = await rig(track);
    const a = await r.createChannel({ name: 'Tested', strategies: [{ id: 'ema_cross', params: {} }], symbols: { source: 'sim', symbols: ['AAA/USDT', 'BBB/USDT'] } });
    const b = await r.createChannel({ name: 'Fresh', strategies: [{ id: 'ema_cross', params: { fast: 5, slow: 30 } }], symbols: { source: 'sim', symbols: ['AAA/USDT', 'BBB/USDT'] } });
    r.outcomes(a, 'ema_cross', {}, [-1, -1]);
    let rows = r.strategies.results({ rankBy: 'expectancyPct' }).rows;
    // Fresh has no outcomes: its expectancy is unknown, so it ranks after a negative one.
    expect(rows.map((x) => [x.channelName, x.live.expectancyPct === null])).toEqual([
      ['Tested', false],
      ['Fresh', true],
    ]);
    expect(rows.every((x) => x.backtest === null)).toBe(true);

    const repo = new BacktestRepo(r.db);
    const run = (params: Record<string, number>, symbols: string[], ret: number): number => {
      const id = repo.insert('run', { strategy: { id: 'ema_cross', params }, source: 'sim', symbols, timeframe: '1m' }, 100, 1);
      repo.finish(id, 'done', { metrics: metrics(ret), trades: [], equity: [] }, null, 100, 2);
      return id;
    };
    const otherSymbols = run({}, ['CCC/USDT'], 50);
    const defaults = run({ fast: 9 }, ['BBB/USDT', 'AAA/USDT'], 7.5);
    rows = r.strategies.results({ rankBy: 'backtestReturnPct' }).rows;
    const tested = rows.find((x) => x.channelId === a)!;
    const fresh = rows.find((x) => x.channelId === b)!;
    // Same strategy, params (9 is the default fast) and symbols in any order: the exact match.
    expect(tested.backtest).toMatchObject({ id: defaults, match: 'exact', totalReturnPct: 7.5, trades: 12 });
    // Other params on the same symbols: shown, and said to be other params; never the run on other symbols.
    expect(fresh.backtest).toMatchObject({ id: defaults, match: 'other_params' });
    expect(rows.some((x) => x.backtest?.id === otherSymbols)).toBe(false);
    const exact = run({ fast: 5, slow: 30 }, ['AAA/USDT', 'BBB/USDT'], 12);
    rows = r.strategies.results({ rankBy: 'backtestReturnPct' }).rows;
    expect(rows.map((x) => [x.channelName, x.backtest?.id, x.backtest?.match])).toEqual([
      ['Fresh', exact, 'exact'],
      ['Tested', defaults, 'exact'],
    ]);
  });

  it('lists every registry strategy with its params, description and the channels using it', async ({ track }) => {
    const r = await rig(track);
    const a = await r.createChannel({ name: 'One', strategies: [{ id: 'ema_cross', params: {} }, { id: 'breakout', params: { period: 30 } }] });
    const list = r.strategies.overview();
    expect(list.map((s) => s.id)).toEqual(['ema_cross', 'momentum', 'breakout', 'mean_reversion', 'scalping', 'funding_fade']);
    const bo = list.find((s) => s.id === 'breakout')!;
    expect(bo.summary).toMatch(/high\/low/);
    expect(bo.params.find((p) => p.name === 'period')).toMatchObject({ type: 'integer', default: 20, description: expect.stringMatching(/high\/low/) });
    expect(bo.channels).toEqual([{ channelId: a, channelName: 'One', index: 1, params: expect.objectContaining({ period: 30 }), paused: false, autopilot: false }]);
    expect(list.find((s) => s.id === 'scalping')!.channels).toEqual([]);
  });
});

describe('pause / resume a strategy in a channel', () => {
  const PATH = vPath(60, 30);
  const CROSS = 71;

  it('a paused strategy yields no signals in that channel (others still do), is kept and shown, and resumes', async ({ track }) => {
    const r = await rig(track);
    r.store('AAA/USDT', PATH.slice(0, 60));
    const paused = await r.createChannel({ name: 'Paused', strategies: [{ id: 'ema_cross', params: {} }, { id: 'breakout', params: {} }] });
    const other = await r.createChannel({ name: 'Other', strategies: [{ id: 'ema_cross', params: {} }] });
    const ch = await r.call('strategies.pause', { channel: paused, strategy: 'ema_cross' });
    await r.signals.ready();
    expect(ch.strategies.map((s) => [s.id, s.paused === true])).toEqual([
      ['ema_cross', true],
      ['breakout', false],
    ]);
    // Shown where channels are listed, and in the results.
    const listed = (await r.call('signals.channels.list', {})).find((c) => c.id === paused)!;
    expect(listed.strategies[0]).toMatchObject({ id: 'ema_cross', paused: true });
    expect(r.strategies.results({ channel: paused }).rows.map((x) => [x.strategy, x.paused])).toEqual([
      ['ema_cross', true],
      ['breakout', false],
    ]);
    for (let i = 60; i <= CROSS; i++) r.close('AAA/USDT', i, PATH[i]!);
    const sigs = r.list();
    // The cross fired for the other channel; nothing at all (not even a rejected signal) for the paused one.
    expect(sigs.filter((s) => s.strategy === 'ema_cross').map((s) => s.channelId)).toEqual([other]);
    expect(sigs.some((s) => s.channelId === paused && s.strategy === 'ema_cross')).toBe(false);

    // An update that lists the strategy without `paused` keeps it paused.
    const kept = await r.call('signals.channels.update', { id: paused, strategies: [{ id: 'ema_cross', params: { fast: 9 } }, { id: 'breakout', params: {} }] });
    expect(kept.strategies[0]!.paused).toBe(true);

    const resumed = await r.call('strategies.resume', { channel: paused, strategy: 'ema_cross' });
    await r.signals.ready();
    expect(resumed.strategies[0]).not.toHaveProperty('paused');
    expect(resumed.strategies).toHaveLength(2);
  });

  it('after resume the strategy signals again in that channel', async ({ track }) => {
    const r = await rig(track);
    const path = zigzag();
    r.store('AAA/USDT', path.slice(0, 60));
    const c = await r.createChannel({ name: 'Z', strategies: [{ id: 'ema_cross', params: {} }] });
    await r.call('strategies.pause', { channel: c, strategy: 'ema_cross' });
    await r.signals.ready();
    for (let i = 60; i <= 100; i++) r.close('AAA/USDT', i, path[i]!);
    expect(r.list()).toEqual([]);
    await r.call('strategies.resume', { channel: c, strategy: 'ema_cross' });
    await r.signals.ready();
    for (let i = 101; i < path.length; i++) r.close('AAA/USDT', i, path[i]!);
    const sigs = r.list();
    expect(sigs.length).toBeGreaterThan(0);
    expect(sigs.every((s) => s.channelId === c && s.strategy === 'ema_cross')).toBe(true);
    // Only bars after the resume (index 101 on) signalled.
    expect(Math.min(...sigs.map((s) => s.barTime))).toBeGreaterThanOrEqual(T0 + 101 * MIN);
  });

  it('refuses unknown channels and strategies with a structured error naming the field, and changes nothing', async ({ track }) => {
    const r = await rig(track);
    const c = await r.createChannel({ name: 'C', strategies: [{ id: 'ema_cross', params: {} }] });
    await rejects(() => r.call('strategies.pause', { channel: 999, strategy: 'ema_cross' }), 'NOT_FOUND', 'channel');
    await rejects(() => r.call('strategies.pause', { channel: c, strategy: 'breakout' }), 'NOT_FOUND', 'strategy');
    await rejects(() => r.call('strategies.setParams', { channel: c, strategy: 'ema_cross', params: { fast: 50, slow: 20 } }), 'BAD_INPUT', 'params');
    expect(r.signals.channels.get(c)!.strategies).toEqual([{ id: 'ema_cross', params: expect.objectContaining({ fast: 9, slow: 21 }) }]);
    const set = await r.call('strategies.setParams', { channel: c, strategy: 'ema_cross', params: { fast: 5, slow: 30 } });
    expect(set.strategies[0]!.params).toMatchObject({ fast: 5, slow: 30 });
  });
});
