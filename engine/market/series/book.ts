/**
 * An order-book snapshot reduced to the figures stored (the whole book is never kept):
 * spread (best ask − best bid, quote currency), mid ((best bid + best ask) / 2), the bid and ask
 * depth within 0.5 % and 1 % of the mid (quote notional: Σ price × amount), and the imbalance at
 * each band: (bid − ask) / (bid + ask), from −1 (all asks) to 1 (all bids).
 */
export type Level = [number, number];

export interface BookFigures {
  book_spread: number;
  book_mid: number;
  book_bid_depth_0_5pct: number;
  book_ask_depth_0_5pct: number;
  book_bid_depth_1pct: number;
  book_ask_depth_1pct: number;
  book_imbalance_0_5pct: number;
  book_imbalance_1pct: number;
}

const depth = (levels: readonly Level[], inside: (p: number) => boolean): number => {
  let n = 0;
  for (const [p, a] of levels) if (inside(p)) n += p * a;
  return n;
};

const imbalance = (b: number, a: number): number => (b + a > 0 ? (b - a) / (b + a) : 0);

/** Null when the book lacks a side or holds a level that is not two finite numbers (`why` says which). */
export function bookFigures(bids: unknown, asks: unknown): { figures: BookFigures } | { why: string } {
  const check = (side: string, v: unknown): Level[] | string => {
    if (!Array.isArray(v) || v.length === 0) return `the book has no ${side}`;
    const out: Level[] = [];
    for (let i = 0; i < v.length; i++) {
      const l = v[i] as unknown;
      if (!Array.isArray(l) || !Number.isFinite(l[0]) || !Number.isFinite(l[1]) || (l[0] as number) <= 0) return `${side}[${i}] is not [price, amount]`;
      out.push([l[0] as number, l[1] as number]);
    }
    return out;
  };
  const b = check('bids', bids);
  if (typeof b === 'string') return { why: b };
  const a = check('asks', asks);
  if (typeof a === 'string') return { why: a };
  const bestBid = Math.max(...b.map((l) => l[0]));
  const bestAsk = Math.min(...a.map((l) => l[0]));
  const mid = (bestBid + bestAsk) / 2;
  const b05 = depth(b, (p) => p >= mid * 0.995);
  const a05 = depth(a, (p) => p <= mid * 1.005);
  const b1 = depth(b, (p) => p >= mid * 0.99);
  const a1 = depth(a, (p) => p <= mid * 1.01);
  return {
    figures: {
      book_spread: bestAsk - bestBid,
      book_mid: mid,
      book_bid_depth_0_5pct: b05,
      book_ask_depth_0_5pct: a05,
      book_bid_depth_1pct: b1,
      book_ask_depth_1pct: a1,
      book_imbalance_0_5pct: imbalance(b05, a05),
      book_imbalance_1pct: imbalance(b1, a1),
    },
  };
}
