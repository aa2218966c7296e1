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

/** The equity buffers of `reuse` runs (grown as needed, never shrunk). */
let scratch: { ts: Float64Array; equity: Float64Array } | null = null;

/**
 * `reuse`: write the equity series into buffers kept between calls instead of fresh ones (a
 * sweep's combinations read only the metrics): the result's equity is then valid only until the
 * next `reuse` call. Two 8 MB arrays per combination over a year of 1m bars are what makes the
 * garbage collector run, not the arithmetic.
 */
export function simulateColumns(symbol: string, c: BarColumns, d: DecisionColumns, cfg: FillConfig, reuse = false): FillResult {
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
  const dAt = d.at;
  const dSide = d.side;
  // The next decision not yet acted on (decisions are sparse; most bars have none).
  let k = 0;
  let nextAt = dAt.length ? dAt[0]! : Infinity;
  const trades: Trade[] = [];
  if (reuse && (!scratch || scratch.ts.length < n + 1)) scratch = { ts: new Float64Array(n + 1), equity: new Float64Array(n + 1) };
  const eqTs = reuse ? scratch!.ts : new Float64Array(n + 1);
  const eqV = reuse ? scratch!.equity : new Float64Array(n + 1);
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

  /** Opens at bar i's open with the levels of decision `dk`. */
  const openPos = (side: 1 | -1, i: number, dk: number): void => {
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
    pStop = d.stop[dk]!;
    pTarget = d.target[dk]!;
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
    if (nextAt === i - 1) {
      const s = dSide[k]!;
      if (s === 1) {
        if (pSide === -1) {
          closePos(open[i]! * (1 + slip), taker, t, 'signal');
          if (both) openPos(1, i, k);
        } else if (pSide === 0 && allowLong) openPos(1, i, k);
      } else if (pSide === 1) {
        closePos(open[i]! * (1 - slip), taker, t, 'signal');
        if (both) openPos(-1, i, k);
      } else if (pSide === 0 && allowShort) openPos(-1, i, k);
      k++;
      nextAt = k < dAt.length ? dAt[k]! : Infinity;
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
