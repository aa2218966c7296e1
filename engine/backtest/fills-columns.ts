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
 * The account and the open position of one run, as fields (numbers kept unboxed in the object,
 * where captured `let`s of closures would live boxed in a context): what the fill loop changes
 * when a position opens or closes. The rules' arithmetic is fills.ts's, term for term.
 */
class Book {
  cash: number;
  /** 1 long, −1 short, 0 flat. */
  side = 0;
  amount = 0;
  entry = 0;
  entryTs = 0;
  entryFee = 0;
  stop = 0;
  target = 0;
  readonly trades: Trade[] = [];
  constructor(
    private readonly symbol: string,
    initialBalance: number,
    private readonly slip: number,
    private readonly taker: number,
    private readonly byQuote: boolean,
    private readonly stakeValue: number,
  ) {
    this.cash = initialBalance;
  }

  /** Opens at `o` (the bar's open) at time `t` with the decision's levels; flat here, so the equity at the fill is the cash. */
  open(side: 1 | -1, o: number, t: number, stop: number, target: number): void {
    const price = side === 1 ? o * (1 + this.slip) : o * (1 - this.slip);
    const quote = this.byQuote ? this.stakeValue : (this.cash * this.stakeValue) / 100;
    const amount = quote / price;
    if (!(amount > 0) || !Number.isFinite(amount)) return;
    const notional = amount * price;
    const fee = notional * this.taker;
    this.cash += side === 1 ? -(notional + fee) : notional - fee;
    this.side = side;
    this.amount = amount;
    this.entry = price;
    this.entryTs = t;
    this.entryFee = fee;
    this.stop = stop;
    this.target = target;
  }

  close(price: number, feeRate: number, at: number, reason: ExitReason): void {
    const notional = this.amount * price;
    const fee = notional * feeRate;
    const long = this.side === 1;
    this.cash += long ? notional - fee : -(notional + fee);
    const fees = this.entryFee + fee;
    this.trades.push({
      symbol: this.symbol,
      side: long ? 'long' : 'short',
      entryTs: this.entryTs,
      entryPrice: this.entry,
      exitTs: at,
      exitPrice: price,
      amount: this.amount,
      fees,
      pnl: (price - this.entry) * this.amount * (long ? 1 : -1) - fees,
      exitReason: reason,
    });
    this.side = 0;
  }
}

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
  const barMs = cfg.barMs;
  const n = c.length;
  const { ts, open, high, low, close } = c;
  const { at: dAt, side: dSide, stop: dStop, target: dTarget } = d;
  const book = new Book(symbol, cfg.initialBalance, slip, taker, cfg.stake.mode === 'quoteAmount', cfg.stake.value);
  // The bar of the next decision not yet acted on, −2 when none is left (decisions are sparse;
  // most bars have none; an integer, never Infinity, so the comparison stays on small integers).
  let k = 0;
  let nextAt = d.count ? dAt[0]! : -2;
  if (reuse && (!scratch || scratch.ts.length < n + 1)) scratch = { ts: new Float64Array(n + 1), equity: new Float64Array(n + 1) };
  const eqTs = reuse ? scratch!.ts : new Float64Array(n + 1);
  const eqV = reuse ? scratch!.equity : new Float64Array(n + 1);
  let points = 0;
  let exposedBars = 0;

  if (n > 0) {
    eqTs[points] = ts[0]!;
    eqV[points++] = cfg.initialBalance;
  }
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    const o = open[i]!;
    // 1. the decision at the previous close, at this open
    if (nextAt === i - 1) {
      const s = dSide[k]!;
      const held = book.side;
      if (s === 1) {
        if (held === -1) {
          book.close(o * (1 + slip), taker, t, 'signal');
          if (both) book.open(1, o, t, dStop[k]!, dTarget[k]!);
        } else if (held === 0 && allowLong) book.open(1, o, t, dStop[k]!, dTarget[k]!);
      } else if (held === 1) {
        book.close(o * (1 - slip), taker, t, 'signal');
        if (both) book.open(-1, o, t, dStop[k]!, dTarget[k]!);
      } else if (held === 0 && allowShort) book.open(-1, o, t, dStop[k]!, dTarget[k]!);
      k++;
      nextAt = k < d.count ? dAt[k]! : -2;
    }
    // 2. stop first, then target, against this bar's range
    const side = book.side;
    if (side !== 0) {
      exposedBars++;
      if (side === 1) {
        if (low[i]! <= book.stop) book.close(Math.min(o, book.stop) * (1 - slip), taker, t, 'stop');
        else if (high[i]! >= book.target) book.close(Math.max(o, book.target), maker, t, 'target');
      } else if (high[i]! >= book.stop) book.close(Math.max(o, book.stop) * (1 + slip), taker, t, 'stop');
      else if (low[i]! <= book.target) book.close(Math.min(o, book.target), maker, t, 'target');
    }
    eqTs[points] = t + barMs;
    const held = book.side;
    eqV[points++] = held === 0 ? book.cash : book.cash + (held === 1 ? book.amount : -book.amount) * close[i]!;
  }
  if (book.side !== 0) {
    const last = close[n - 1]!;
    book.close(book.side === 1 ? last * (1 - slip) : last * (1 + slip), taker, ts[n - 1]!, 'end_of_data');
    eqV[points - 1] = book.cash;
  }
  const equityColumns: EquityColumns = { length: points, ts: eqTs.subarray(0, points), equity: eqV.subarray(0, points) };
  let equity: EquityPoint[] | null = null;
  return {
    trades: book.trades,
    get equity(): EquityPoint[] {
      equity ??= Array.from({ length: points }, (_, i) => ({ ts: eqTs[i]!, equity: eqV[i]! }));
      return equity;
    },
    equityColumns,
    exposedBars,
    totalBars: n,
  };
}
