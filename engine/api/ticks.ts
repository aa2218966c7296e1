/**
 * Price ticks shared by the engine and the renderer: the tick of a market whose rules are not
 * known is derived from the price's magnitude (about six significant digits: 64,000 → 0.1,
 * 3,200 → 0.01, 102 → 0.001, 0.62 → 0.000001) — the rule the paper broker rounds its orders
 * to. Stop and target prices are rounded to it everywhere they are shown or sent.
 */

/** The tick (a power of ten) for a price, about six significant digits. */
export function priceTick(price: number): number {
  const p = Math.abs(price);
  // Well inside the last answer's decade: the same magnitude without a logarithm (the margins
  // keep prices at a decade's edge on the logarithm, so the answer never differs from it).
  if (p > lastLo && p < lastHi) return lastTick;
  const mag = Math.floor(Math.log10(p > 0 && Number.isFinite(p) ? p : 1));
  let t = TICKS.get(mag);
  if (t === undefined) {
    t = Number(`1e${mag - 5}`);
    TICKS.set(mag, t);
  }
  if (p > 0 && Number.isFinite(p)) {
    lastLo = 10 ** mag * (1 + 1e-9);
    lastHi = 10 ** (mag + 1) * (1 - 1e-9);
    lastTick = t;
  }
  return t;
}

// Memos (a backtest rounds the levels of every decision): the same values, computed once each.
// The last answer is kept apart from the maps: consecutive decisions are nearly always on the
// same market at the same magnitude, and a number compare is far cheaper than a Map lookup.
const TICKS = new Map<number, number>();
const DECIMALS = new Map<number, number>();
let lastLo = Infinity;
let lastHi = -Infinity;
let lastTick = NaN;
/** Powers of ten 10^0 … 10^22 (exact doubles), so rounding needs no Math.pow. */
const POW10 = Array.from({ length: 23 }, (_, d) => 10 ** d);
let lastDecTick = NaN;
let lastDecimals = 0;

/** Decimal places of a tick given as a number or decimal string (0.001 → 3, 1 → 0, 5e-7 → 7). */
export function tickDecimals(tick: number | string): number {
  const t = Number(tick);
  if (!(t > 0) || !Number.isFinite(t)) return 8;
  if (t === lastDecTick) return lastDecimals;
  const had = DECIMALS.get(t);
  if (had !== undefined) {
    lastDecTick = t;
    lastDecimals = had;
    return had;
  }
  let out = 12;
  for (let d = 0; d <= 12; d++)
    if (Math.abs(Math.round(t * 10 ** d) - t * 10 ** d) < 1e-9) {
      out = d;
      break;
    }
  if (DECIMALS.size < 1024) DECIMALS.set(t, out);
  return out;
}

/** `value` rounded to the nearest multiple of `tick`, without float tails (102.18989… → 102.19 at 0.001). */
export function roundToTick(value: number, tick: number | string): number {
  const t = typeof tick === 'number' ? tick : Number(tick);
  if (!Number.isFinite(value) || !(t > 0)) return value;
  const d = tickDecimals(t);
  const m = Math.round(value / t);
  // A power-of-ten tick: m / 10^d is the double nearest the decimal, which is what formatting
  // with toFixed(d) and parsing gives, without the string (+ 0: never −0, as the string path).
  if (d === 0 && Number.isInteger(t)) return m * t + 0;
  const p = d < POW10.length ? POW10[d]! : 10 ** d;
  if (1 / p === t) return m / p + 0;
  return Number((m * t).toFixed(d));
}
