/**
 * The backtest fill rules on hand-made bars. Every expected trade is written out:
 * which bar it entered and left on, at what price, with which fees and why.
 */
import { describe, expect, it } from 'vitest';
import { DecisionWriter, type DecisionColumns } from '../../engine/backtest/decide';
import { simulate } from '../../engine/backtest/fills';
import { simulateColumns } from '../../engine/backtest/fills-columns';
import type { BarDecision, FillConfig, FillResult, Trade } from '../../engine/backtest/types';
import { barColumns } from '../../engine/indicators/batch';
import type { Bar } from '../../engine/indicators/types';

const M = 60_000;
const bar = (i: number, open: number, high: number, low: number, close: number): Bar => ({ ts: i * M, open, high, low, close, volume: 1 });
const buy = (stopLoss: number, takeProfit: number): BarDecision => ({ side: 'buy', stopLoss, takeProfit });
const sell = (stopLoss: number, takeProfit: number): BarDecision => ({ side: 'sell', stopLoss, takeProfit });
/** No costs: prices and pnl are plain arithmetic. */
const FREE: FillConfig = { initialBalance: 10_000, stake: { mode: 'quoteAmount', value: 1_000 }, takerBps: 0, makerBps: 0, slippageBps: 0, direction: 'long', barMs: M };
/**
 * Every one-symbol case runs through both fill loops: the general one (fills.ts) and the one
 * specialised for one symbol over typed arrays (fills-columns.ts), which must agree exactly.
 */
function run(bars: Bar[], decisions: Array<BarDecision | null>, cfg: Partial<FillConfig> = {}): FillResult {
  const general = simulate([{ symbol: 'AAA/USDT', bars, decisions }], { ...FREE, ...cfg });
  const columns = simulateColumns('AAA/USDT', barColumns(bars), decisionColumns(decisions), { ...FREE, ...cfg });
  expect(columns.trades).toEqual(general.trades);
  expect(columns.equity).toEqual(general.equity);
  expect([columns.exposedBars, columns.totalBars]).toEqual([general.exposedBars, general.totalBars]);
  return general;
}

function decisionColumns(ds: Array<BarDecision | null>): DecisionColumns {
  const d = new DecisionWriter(ds.length);
  ds.forEach((x, i) => {
    if (x) d.push(i, x.side === 'buy' ? 1 : -1, x.stopLoss, x.takeProfit, 1);
  });
  return d.columns();
}

/** Toleranced comparison of a trade list (floats), exact on the non-numeric fields. */
function expectTrades(actual: Trade[], expected: Trade[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((t, i) => {
    const e = expected[i]!;
    expect({ symbol: t.symbol, side: t.side, entryTs: t.entryTs, exitTs: t.exitTs, exitReason: t.exitReason }).toEqual({
      symbol: e.symbol,
      side: e.side,
      entryTs: e.entryTs,
      exitTs: e.exitTs,
      exitReason: e.exitReason,
    });
    for (const k of ['entryPrice', 'exitPrice', 'amount', 'fees', 'pnl'] as const) expect(t[k], `${k} of trade ${i}`).toBeCloseTo(e[k], 9);
  });
}

describe('fill rules', () => {
  it('fills a decision at the next open, and a target gapped through at the open (maker, no slippage)', () => {
    const r = run(
      [bar(0, 100, 101, 99, 100), bar(1, 100, 105, 95, 104), bar(2, 104, 110, 103, 108), bar(3, 125, 130, 124, 126), bar(4, 126, 127, 125, 126)],
      [buy(90, 120), null, null, null, null],
    );
    expectTrades(r.trades, [{ symbol: 'AAA/USDT', side: 'long', entryTs: 60_000, entryPrice: 100, exitTs: 180_000, exitPrice: 125, amount: 10, fees: 0, pnl: 250, exitReason: 'target' }]);
    // equity: the initial balance at the first open, then cash + position × close after each bar
    expect(r.equity).toEqual([
      { ts: 0, equity: 10_000 },
      { ts: 60_000, equity: 10_000 },
      { ts: 120_000, equity: 10_040 },
      { ts: 180_000, equity: 10_080 },
      { ts: 240_000, equity: 10_250 },
      { ts: 300_000, equity: 10_250 },
    ]);
    expect([r.exposedBars, r.totalBars]).toEqual([3, 5]); // held during bars 1, 2 and 3 (left at 3)
  });

  it('a target touched inside the bar fills at the target', () => {
    const r = run([bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 100), bar(2, 110, 121, 109, 115)], [buy(90, 120), null, null]);
    expectTrades(r.trades, [{ symbol: 'AAA/USDT', side: 'long', entryTs: 60_000, entryPrice: 100, exitTs: 120_000, exitPrice: 120, amount: 10, fees: 0, pnl: 200, exitReason: 'target' }]);
  });

  it('a stop gapped through fills at the open, with slippage and taker fee; target fees and entry slippage as written', () => {
    const cfg = { takerBps: 10, makerBps: 8, slippageBps: 10 };
    const gapStop = run([bar(0, 100, 100, 100, 100), bar(1, 100, 105, 95, 100), bar(2, 80, 85, 78, 82), bar(3, 82, 83, 81, 82)], [buy(90, 120), null, null, null], cfg);
    // entry 100 × 1.001 = 100.1; amount 1000 / 100.1; stop fill min(80, 90) × 0.999 = 79.92; fees 1 + amount × 79.92 × 0.001
    expectTrades(gapStop.trades, [
      { symbol: 'AAA/USDT', side: 'long', entryTs: 60_000, entryPrice: 100.1, exitTs: 120_000, exitPrice: 79.92, amount: 9.990009990009991, fees: 1.7984015984015984, pnl: -203.39680319680315, exitReason: 'stop' },
    ]);
    const gapTarget = run([bar(0, 100, 100, 100, 100), bar(1, 100, 105, 95, 100), bar(2, 125, 130, 124, 126), bar(3, 126, 127, 125, 126)], [buy(90, 120), null, null, null], cfg);
    // target fill max(125, 120) = 125, no slippage, maker fee amount × 125 × 0.0008
    expectTrades(gapTarget.trades, [
      { symbol: 'AAA/USDT', side: 'long', entryTs: 60_000, entryPrice: 100.1, exitTs: 120_000, exitPrice: 125, amount: 9.990009990009991, fees: 1.999000999000999, pnl: 246.75224775224783, exitReason: 'target' },
    ]);
    // cash after the round trip is the balance plus the pnl
    expect(gapTarget.equity[gapTarget.equity.length - 1]!.equity).toBeCloseTo(10_000 + 246.75224775224783, 9);
  });

  it('both stop and target touched in one bar → the stop; checked from the entry bar itself', () => {
    const r = run([bar(0, 100, 100, 100, 100), bar(1, 100, 125, 85, 110), bar(2, 110, 111, 109, 110)], [buy(90, 120), null, null]);
    expectTrades(r.trades, [{ symbol: 'AAA/USDT', side: 'long', entryTs: 60_000, entryPrice: 100, exitTs: 60_000, exitPrice: 90, amount: 10, fees: 0, pnl: -100, exitReason: 'stop' }]);
  });

  it('long: a sell when long exits on signal at the next open; a sell when flat and a buy when long are ignored', () => {
    const r = run(
      [bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 100), bar(2, 102, 103, 101, 102), bar(3, 104, 105, 103, 104), bar(4, 106, 107, 105, 106), bar(5, 108, 109, 107, 108)],
      [sell(110, 90), buy(50, 200), buy(50, 200), sell(110, 90), null, null],
      { slippageBps: 10 },
    );
    // sell at bar 0 (flat) ignored; buy at 1 fills at bar 2 open; buy at 2 (long) ignored; sell at 3 fills at bar 4 open
    expectTrades(r.trades, [
      { symbol: 'AAA/USDT', side: 'long', entryTs: 120_000, entryPrice: 102.102, exitTs: 240_000, exitPrice: 105.894, amount: 1000 / 102.102, fees: 0, pnl: (105.894 - 102.102) * (1000 / 102.102), exitReason: 'signal' },
    ]);
  });

  it('short mirrors long: a sell when flat opens a short, its stop is checked on the high, a buy closes it', () => {
    const stopped = run([bar(0, 100, 100, 100, 100), bar(1, 100, 104, 99, 103), bar(2, 103, 112, 102, 111), bar(3, 111, 111, 111, 111)], [sell(110, 80), buy(200, 50), null, null], {
      direction: 'short',
    });
    // the buy at bar 1 closes the short at bar 2's open before the stop is ever reached
    expectTrades(stopped.trades, [{ symbol: 'AAA/USDT', side: 'short', entryTs: 60_000, entryPrice: 100, exitTs: 120_000, exitPrice: 103, amount: 10, fees: 0, pnl: -30, exitReason: 'signal' }]);
    const r = run([bar(0, 100, 100, 100, 100), bar(1, 100, 104, 99, 103), bar(2, 115, 116, 79, 100), bar(3, 100, 100, 100, 100)], [sell(110, 80), null, null, null], {
      direction: 'short',
      slippageBps: 10,
    });
    // short entry sells at 100 × 0.999; bar 2 gaps above the stop (and touches the target): stop at max(115, 110) × 1.001
    expectTrades(r.trades, [
      { symbol: 'AAA/USDT', side: 'short', entryTs: 60_000, entryPrice: 99.9, exitTs: 120_000, exitPrice: 115.115, amount: 1000 / 99.9, fees: 0, pnl: (99.9 - 115.115) * (1000 / 99.9), exitReason: 'stop' },
    ]);
    // a short's target: low ≤ target fills at min(open, target), maker fee
    const t = run([bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 100), bar(2, 95, 96, 70, 90), bar(3, 90, 90, 90, 90)], [sell(110, 80), null, null, null], { direction: 'short', makerBps: 8 });
    expectTrades(t.trades, [{ symbol: 'AAA/USDT', side: 'short', entryTs: 60_000, entryPrice: 100, exitTs: 120_000, exitPrice: 80, amount: 10, fees: 0.64, pnl: 199.36, exitReason: 'target' }]);
    // long-only: a sell when flat does nothing
    expect(run([bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 100), bar(2, 95, 96, 70, 90)], [sell(110, 80), null, null]).trades).toEqual([]);
  });

  it('both: a sell when long closes the long and opens a short at the same open; end of data closes at the last close', () => {
    const r = run(
      [bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 100), bar(2, 110, 112, 105, 108), bar(3, 108, 109, 100, 101)],
      [buy(50, 200), sell(130, 70), null, null],
      { direction: 'both' },
    );
    expectTrades(r.trades, [
      { symbol: 'AAA/USDT', side: 'long', entryTs: 60_000, entryPrice: 100, exitTs: 120_000, exitPrice: 110, amount: 10, fees: 0, pnl: 100, exitReason: 'signal' },
      { symbol: 'AAA/USDT', side: 'short', entryTs: 120_000, entryPrice: 110, exitTs: 180_000, exitPrice: 101, amount: 9.090909090909092, fees: 0, pnl: 81.81818181818183, exitReason: 'end_of_data' },
    ]);
    // the end-of-data exit is the equity series' last point
    expect(r.equity[r.equity.length - 1]).toEqual({ ts: 240_000, equity: expect.closeTo(10_181.81818181818183, 6) as unknown as number });
  });

  it('end of data closes like a market order (slippage, taker fee); a decision on the last bar is ignored', () => {
    const r = run([bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 100), bar(2, 100, 101, 99, 120)], [buy(50, 200), null, sell(200, 10)], { takerBps: 10, slippageBps: 10, direction: 'both' });
    const amount = 1000 / 100.1;
    expectTrades(r.trades, [
      { symbol: 'AAA/USDT', side: 'long', entryTs: 60_000, entryPrice: 100.1, exitTs: 120_000, exitPrice: 119.88, amount, fees: 1 + amount * 119.88 * 0.001, pnl: (119.88 - 100.1) * amount - (1 + amount * 119.88 * 0.001), exitReason: 'end_of_data' },
    ]);
    // before the exit the last bar's equity would be cash + 120 × amount; the series ends at the exit
    expect(r.equity.at(-1)!.equity).toBeCloseTo(10_000 + r.trades[0]!.pnl, 9);
  });

  it('equityPercent sizes from equity at the fill (cash + open position at the open); amounts are not rounded', () => {
    const r = run(
      [bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 100), bar(2, 110, 111, 109, 110), bar(3, 105, 106, 104, 105), bar(4, 105, 106, 104, 105)],
      [buy(50, 200), sell(50, 200), buy(50, 300), null, null],
      { stake: { mode: 'equityPercent', value: 50 } },
    );
    // 50 % of 10,000 at 100 = 50; after +500, 50 % of 10,500 at 105 = 50
    expectTrades(r.trades, [
      { symbol: 'AAA/USDT', side: 'long', entryTs: 60_000, entryPrice: 100, exitTs: 120_000, exitPrice: 110, amount: 50, fees: 0, pnl: 500, exitReason: 'signal' },
      { symbol: 'AAA/USDT', side: 'long', entryTs: 180_000, entryPrice: 105, exitTs: 240_000, exitPrice: 105, amount: 50, fees: 0, pnl: 0, exitReason: 'end_of_data' },
    ]);
    // with a position open in another symbol, its value at the last close counts too
    const two = simulate(
      [
        { symbol: 'AAA/USDT', bars: [bar(0, 100, 100, 100, 100), bar(1, 100, 100, 100, 100), bar(2, 100, 100, 100, 100)], decisions: [buy(50, 200), null, null] },
        { symbol: 'BBB/USDT', bars: [bar(0, 10, 10, 10, 10), bar(1, 10, 10, 10, 12), bar(2, 20, 20, 20, 20)], decisions: [null, buy(5, 50), null] },
      ],
      { ...FREE, stake: { mode: 'equityPercent', value: 10 } },
    );
    // AAA: 10 % of 10,000 at 100 = 10. BBB at bar 2: equity = 9,000 cash + 10 × 100 (AAA) = 10,000 → 1,000 at 20 = 50
    expect(two.trades.map((t) => [t.symbol, t.amount])).toEqual([
      ['AAA/USDT', 10],
      ['BBB/USDT', 50],
    ]);
  });

  it('fees: taker on market fills, maker on targets, paid from cash', () => {
    const r = run([bar(0, 100, 100, 100, 100), bar(1, 100, 101, 99, 100), bar(2, 100, 121, 99, 110)], [buy(50, 120), null, null], { takerBps: 10, makerBps: 8 });
    // entry fee 1000 × 0.001 = 1; exit fee 10 × 120 × 0.0008 = 0.96
    expectTrades(r.trades, [{ symbol: 'AAA/USDT', side: 'long', entryTs: 60_000, entryPrice: 100, exitTs: 120_000, exitPrice: 120, amount: 10, fees: 1.96, pnl: 198.04, exitReason: 'target' }]);
    expect(r.equity.map((p) => p.equity)).toEqual([10_000, 10_000, 9_999, 10_198.04]);
  });
});
