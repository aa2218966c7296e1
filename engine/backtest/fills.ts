/**
 * The fill rules as one pure function over bars and decisions. One position
 * per symbol; bars in time order; slip = slippageBps / 10,000. For each bar of a symbol:
 *   1. the decision taken at the previous bar's close fills at this bar's open (market order:
 *      buys at open × (1 + slip), sells at open × (1 − slip), taker fee on the notional);
 *   2. the open position's stop, then target, is checked against this bar's range — from the
 *      entry bar itself on; both touched → the stop;
 *   3. (the caller's) decision at this bar's close waits for the next bar's open; on the last
 *      bar it is ignored.
 * Cash: buys pay notional + fee, sells receive notional − fee (a short's entry is a sell).
 * Equity after each bar = cash + Σ signed position × last close. A position still open after
 * the last bar is closed at its last close like a market order (`end_of_data`), and that
 * exit is the equity series' last point.
 */
import type { Bar } from '../indicators/types';
import type { BarDecision, EquityColumns, EquityPoint, ExitReason, FillConfig, FillResult, SymbolBars, Trade } from './types';

interface Position {
  side: 'long' | 'short';
  amount: number;
  entryPrice: number;
  entryTs: number;
  entryFee: number;
  stop: number;
  target: number;
}

interface SymState {
  input: SymbolBars;
  next: number;
  pos: Position | null;
  lastClose: number;
  lastTs: number;
}

export function simulate(inputs: readonly SymbolBars[], cfg: FillConfig): FillResult {
  const slip = cfg.slippageBps / 10_000;
  const taker = cfg.takerBps / 10_000;
  const maker = cfg.makerBps / 10_000;
  const trades: Trade[] = [];
  // The equity series as two columns: at most one point per bar plus the first.
  const cap = inputs.reduce((n, x) => n + x.bars.length, 0) + 1;
  const eqTs = new Float64Array(cap);
  const eqV = new Float64Array(cap);
  let points = 0;
  const syms: SymState[] = inputs.map((input) => ({ input, next: 0, pos: null, lastClose: NaN, lastTs: NaN }));
  let cash = cfg.initialBalance;
  let exposedBars = 0;
  let totalBars = 0;

  const signed = (p: Position): number => (p.side === 'long' ? p.amount : -p.amount);
  /** Equity at a fill in `own` at price `px`: cash + every position (others at their last close). */
  const equityAt = (own: SymState, px: number): number => {
    let e = cash;
    for (const s of syms) if (s.pos) e += signed(s.pos) * (s === own ? px : s.lastClose);
    return e;
  };

  const open = (s: SymState, side: 'long' | 'short', bar: Bar, d: BarDecision): void => {
    const price = side === 'long' ? bar.open * (1 + slip) : bar.open * (1 - slip);
    const quote = cfg.stake.mode === 'quoteAmount' ? cfg.stake.value : (equityAt(s, bar.open) * cfg.stake.value) / 100;
    const amount = quote / price;
    if (!(amount > 0) || !Number.isFinite(amount)) return;
    const notional = amount * price;
    const fee = notional * taker;
    cash += side === 'long' ? -(notional + fee) : notional - fee;
    s.pos = { side, amount, entryPrice: price, entryTs: bar.ts, entryFee: fee, stop: d.stopLoss, target: d.takeProfit };
  };

  const close = (s: SymState, price: number, feeRate: number, ts: number, reason: ExitReason): void => {
    const p = s.pos!;
    const notional = p.amount * price;
    const fee = notional * feeRate;
    cash += p.side === 'long' ? notional - fee : -(notional + fee);
    const dir = p.side === 'long' ? 1 : -1;
    const fees = p.entryFee + fee;
    trades.push({
      symbol: s.input.symbol,
      side: p.side,
      entryTs: p.entryTs,
      entryPrice: p.entryPrice,
      exitTs: ts,
      exitPrice: price,
      amount: p.amount,
      fees,
      pnl: (price - p.entryPrice) * p.amount * dir - fees,
      exitReason: reason,
    });
    s.pos = null;
  };

  /** Step 1: a decision from the previous close, at this bar's open. */
  const act = (s: SymState, d: BarDecision, bar: Bar): void => {
    const pos = s.pos;
    if (d.side === 'buy') {
      if (pos?.side === 'short') {
        close(s, bar.open * (1 + slip), taker, bar.ts, 'signal');
        if (cfg.direction === 'both') open(s, 'long', bar, d);
      } else if (!pos && cfg.direction !== 'short') open(s, 'long', bar, d);
    } else if (pos?.side === 'long') {
      close(s, bar.open * (1 - slip), taker, bar.ts, 'signal');
      if (cfg.direction === 'both') open(s, 'short', bar, d);
    } else if (!pos && cfg.direction !== 'long') open(s, 'short', bar, d);
  };

  /** Step 2: stop first, then target, against this bar's range. */
  const protect = (s: SymState, bar: Bar): void => {
    const p = s.pos!;
    if (p.side === 'long') {
      if (bar.low <= p.stop) close(s, Math.min(bar.open, p.stop) * (1 - slip), taker, bar.ts, 'stop');
      else if (bar.high >= p.target) close(s, Math.max(bar.open, p.target), maker, bar.ts, 'target');
    } else if (bar.high >= p.stop) close(s, Math.max(bar.open, p.stop) * (1 + slip), taker, bar.ts, 'stop');
    else if (bar.low <= p.target) close(s, Math.min(bar.open, p.target), maker, bar.ts, 'target');
  };

  let first = true;
  for (;;) {
    // The next open time across symbols; every symbol with a bar then steps, in input order.
    let ts = Infinity;
    for (const s of syms) if (s.next < s.input.bars.length) ts = Math.min(ts, s.input.bars[s.next]!.ts);
    if (ts === Infinity) break;
    if (first) {
      eqTs[points] = ts;
      eqV[points++] = cfg.initialBalance;
      first = false;
    }
    for (const s of syms) {
      const i = s.next;
      const bar = s.input.bars[i];
      if (!bar || bar.ts !== ts) continue;
      const d = i > 0 ? s.input.decisions[i - 1] : null;
      if (d) act(s, d, bar);
      if (s.pos) {
        exposedBars++;
        protect(s, bar);
      }
      totalBars++;
      s.lastClose = bar.close;
      s.lastTs = bar.ts;
      s.next = i + 1;
    }
    let e = cash;
    for (const s of syms) if (s.pos) e += signed(s.pos) * s.lastClose;
    eqTs[points] = ts + cfg.barMs;
    eqV[points++] = e;
  }
  let exited = false;
  for (const s of syms) {
    if (!s.pos) continue;
    close(s, s.pos.side === 'long' ? s.lastClose * (1 - slip) : s.lastClose * (1 + slip), taker, s.lastTs, 'end_of_data');
    exited = true;
  }
  if (exited) eqV[points - 1] = cash;
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
    totalBars,
  };
}
