/**
 * The fill rules of fills.ts, specialised for one symbol over typed arrays: bars as columns,
 * decisions as columns (decide.ts DecisionColumns), the position as local numbers. The same
 * rules in the same order with the same arithmetic, so it gives the same trades and equity to
 * the last bit (tests/backtest/fills.test.ts runs every rule through both). Nothing is
 * allocated per bar: only a trade object when a position closes.
 */
import type { BarColumns } from '../indicators/batch';
import type { DecisionColumns } from './decide';
import type { EquityColumns, EquityPoint, ExitReason, FillConfig, FillResult, Trade } from './types';

export function simulateColumns(symbol: string, c: BarColumns, d: DecisionColumns, cfg: FillConfig): FillResult {
  const slip = cfg.slippageBps / 10_000;
  const taker = cfg.takerBps / 10_000;
  const maker = cfg.makerBps / 10_000;
  const allowLong = cfg.direction !== 'short';
  const allowShort = cfg.direction !== 'long';
  const both = cfg.direction === 'both';
  const byQuote = cfg.stake.mode === 'quoteAmount';
  const stakeValue = cfg.stake.value;
  const n = c.length;
  const { ts, open, high, low, close } = c;
  const dSide = d.side;
  const trades: Trade[] = [];
  const eqTs = new Float64Array(n + 1);
  const eqV = new Float64Array(n + 1);
  let points = 0;
  let cash = cfg.initialBalance;
  let exposedBars = 0;
  // The position: side 1 long, −1 short, 0 flat.
  let pSide = 0;
  let pAmount = 0;
  let pEntry = 0;
  let pEntryTs = 0;
  let pEntryFee = 0;
  let pStop = 0;
  let pTarget = 0;

  const openPos = (side: 1 | -1, i: number, k: number): void => {
    const o = open[i]!;
    const price = side === 1 ? o * (1 + slip) : o * (1 - slip);
    // flat here: the equity at the fill is the cash
    const quote = byQuote ? stakeValue : (cash * stakeValue) / 100;
    const amount = quote / price;
    if (!(amount > 0) || !Number.isFinite(amount)) return;
    const notional = amount * price;
    const fee = notional * taker;
    cash += side === 1 ? -(notional + fee) : notional - fee;
    pSide = side;
    pAmount = amount;
    pEntry = price;
    pEntryTs = ts[i]!;
    pEntryFee = fee;
    pStop = d.stop[k]!;
    pTarget = d.target[k]!;
  };

  const closePos = (price: number, feeRate: number, at: number, reason: ExitReason): void => {
    const notional = pAmount * price;
    const fee = notional * feeRate;
    const long = pSide === 1;
    cash += long ? notional - fee : -(notional + fee);
    const fees = pEntryFee + fee;
    trades.push({
      symbol,
      side: long ? 'long' : 'short',
      entryTs: pEntryTs,
      entryPrice: pEntry,
      exitTs: at,
      exitPrice: price,
      amount: pAmount,
      fees,
      pnl: (price - pEntry) * pAmount * (long ? 1 : -1) - fees,
      exitReason: reason,
    });
    pSide = 0;
  };

  if (n > 0) {
    eqTs[points] = ts[0]!;
    eqV[points++] = cfg.initialBalance;
  }
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    // 1. the decision at the previous close, at this open
    const s = i > 0 ? dSide[i - 1]! : 0;
    if (s === 1) {
      if (pSide === -1) {
        closePos(open[i]! * (1 + slip), taker, t, 'signal');
        if (both) openPos(1, i, i - 1);
      } else if (pSide === 0 && allowLong) openPos(1, i, i - 1);
    } else if (s === -1) {
      if (pSide === 1) {
        closePos(open[i]! * (1 - slip), taker, t, 'signal');
        if (both) openPos(-1, i, i - 1);
      } else if (pSide === 0 && allowShort) openPos(-1, i, i - 1);
    }
    // 2. stop first, then target, against this bar's range
    if (pSide !== 0) {
      exposedBars++;
      if (pSide === 1) {
        if (low[i]! <= pStop) closePos(Math.min(open[i]!, pStop) * (1 - slip), taker, t, 'stop');
        else if (high[i]! >= pTarget) closePos(Math.max(open[i]!, pTarget), maker, t, 'target');
      } else if (high[i]! >= pStop) closePos(Math.max(open[i]!, pStop) * (1 + slip), taker, t, 'stop');
      else if (low[i]! <= pTarget) closePos(Math.min(open[i]!, pTarget), maker, t, 'target');
    }
    eqTs[points] = t + cfg.barMs;
    eqV[points++] = pSide === 0 ? cash : cash + (pSide === 1 ? pAmount : -pAmount) * close[i]!;
  }
  if (pSide !== 0) {
    const last = close[n - 1]!;
    closePos(pSide === 1 ? last * (1 - slip) : last * (1 + slip), taker, ts[n - 1]!, 'end_of_data');
    eqV[points - 1] = cash;
  }
  const equityColumns: EquityColumns = { length: points, ts: eqTs.subarray(0, points), equity: eqV.subarray(0, points) };
  let equity: EquityPoint[] | null = null;
  return {
    trades,
    get equity(): EquityPoint[] {
      equity ??= Array.from({ length: points }, (_, i) => ({ ts: eqTs[i]!, equity: eqV[i]! }));
      return equity;
    },
    equityColumns,
    exposedBars,
    totalBars: n,
  };
}
