/**
 * The evaluators: pure functions from a condition, the newest observation and the rule's
 * previous state to "fired or not" and the new state. The module feeds them; tests and the
 * benchmark call them directly.
 */
import type { IndicatorConditionT, PerformanceConditionT } from '../api/commands/alerts';
import type { Features } from '../indicators/types';

export type Side = 'above' | 'below';

/** Side of a level: at or above counts as above. */
export const sideOf = (price: number, level: number): Side => (price >= level ? 'above' : 'below');

/**
 * A crossing on the live price: fires when the side changes in the rule's direction. With no
 * previous side (a new rule, or the first price after a start) it only records the side.
 */
export function priceCross(op: 'crosses_above' | 'crosses_below', level: number, lastSide: Side | undefined, price: number): { side: Side; fired: boolean } {
  const side = sideOf(price, level);
  const fired = lastSide !== undefined && side !== lastSide && (op === 'crosses_above' ? side === 'above' : side === 'below');
  return { side, fired };
}

/** A price sample of one symbol (source clock, ms). */
export interface PriceSample {
  ts: number;
  price: number;
}

/**
 * ±X % within N minutes: the move from the lowest or highest price of the window (samples newer
 * than `since`, the rule's last firing) to the current price.
 */
export function movesPct(samples: readonly PriceSample[], price: number, now: number, windowMs: number, pct: number, since: number): { fired: boolean; from: number; changePct: number } | null {
  const start = Math.max(now - windowMs, since);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i]!;
    if (s.ts < start) break;
    if (s.price < lo) lo = s.price;
    if (s.price > hi) hi = s.price;
  }
  if (!Number.isFinite(lo) || lo <= 0) return null;
  const up = (price / lo - 1) * 100;
  const down = (price / hi - 1) * 100;
  if (up >= pct) return { fired: true, from: lo, changePct: up };
  if (-down >= pct) return { fired: true, from: hi, changePct: down };
  return { fired: false, from: Math.abs(up) > Math.abs(down) ? lo : hi, changePct: Math.abs(up) > Math.abs(down) ? up : down };
}

/** The right-hand side of an indicator condition: a number or another feature. */
const rhs = (c: IndicatorConditionT, f: Features | null): number | undefined => (c.otherFeature !== undefined ? f?.[c.otherFeature] : c.value);

/**
 * An indicator condition on a closed bar. `<` / `>` fire when the comparison becomes true (true
 * now, not true at the rule's previous evaluation); crossings compare this bar with the previous.
 */
export function indicatorCheck(c: IndicatorConditionT, cur: Features, prev: Features | null, lastTruth: boolean | undefined): { truth: boolean; fired: boolean; a: number | undefined; b: number | undefined } {
  const a = cur[c.feature];
  const b = rhs(c, cur);
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return { truth: false, fired: false, a, b };
  if (c.op === '<' || c.op === '>') {
    const truth = c.op === '<' ? a < b : a > b;
    return { truth, fired: truth && lastTruth !== true, a, b };
  }
  const pa = prev?.[c.feature];
  const pb = rhs(c, prev);
  const truth = c.op === 'crosses_above' ? a > b : a < b;
  if (pa === undefined || pb === undefined) return { truth, fired: false, a, b };
  const fired = c.op === 'crosses_above' ? pa <= pb && a > b : pa >= pb && a < b;
  return { truth, fired, a, b };
}

/** Win rate (%) or expectancy (mean profit %, per outcome) over the last N outcomes; null until there are N. */
export function performanceCheck(c: PerformanceConditionT, outcomes: ReadonlyArray<{ result: string; profitPct: number }>): { value: number; truth: boolean } | null {
  if (outcomes.length < c.lastN) return null;
  const last = outcomes.slice(0, c.lastN);
  const value = c.metric === 'win_rate' ? (100 * last.filter((o) => o.result === 'win').length) / last.length : last.reduce((s, o) => s + o.profitPct, 0) / last.length;
  return { value, truth: value < c.below };
}

/** Whether a source's health shows the status a health rule watches. */
export function healthMatches(want: 'failed' | 'circuit_open' | 'stale', h: { status: string; circuit: string; feeds: ReadonlyArray<{ status: string; freshness: string }> }): boolean {
  if (want === 'failed') return h.status === 'failed' || h.feeds.some((f) => f.status === 'failed');
  if (want === 'circuit_open') return h.status === 'circuit_open' || h.circuit === 'open';
  return h.feeds.some((f) => f.freshness === 'stale');
}

/** Per-symbol exposure in % of equity. */
export function exposures(equity: number, positions: ReadonlyArray<{ symbol: string; notional: number }>): Array<{ symbol: string; pct: number }> {
  if (!(equity > 0)) return [];
  return positions.map((p) => ({ symbol: p.symbol, pct: (100 * Math.abs(p.notional)) / equity }));
}

/** Whether a rule may fire now given its throttle (minutes between firings, source clock). */
export function throttleAllows(lastFiredAt: number | null, throttleMinutes: number, now: number): boolean {
  return lastFiredAt === null || throttleMinutes <= 0 || now - lastFiredAt >= throttleMinutes * 60_000;
}
