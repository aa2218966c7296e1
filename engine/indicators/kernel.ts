/**
 * An indicator kernel: a pure step function over a slice of one Float64Array that holds all of
 * its state (counters, running sums, ring buffers), from offset `b`. Nothing grows: the state
 * has a fixed size chosen from the parameters, so one closed bar costs O(1) and the whole
 * engine's state — every kernel's slice of one array — can be copied, sent to another thread
 * and restored (the pool's warm-up relies on that).
 *
 * Outputs are written into `out` at offset `o`; NaN means "no value yet" (warming up).
 *
 * The per-bar arithmetic of each kernel is one function over numbers (`seededPush`, `atrPush`,
 * `rsiPush`, …). `step` applies it to one bar (live); `batch`, where a kernel has it, applies the
 * same function down whole columns (backtests, sweeps) — one implementation, two loops.
 */
import type { Bar, BarColumns, IndicatorSpec } from './types';

export interface Kernel {
  readonly spec: IndicatorSpec;
  /** Feature names, one per output slot. */
  readonly names: readonly string[];
  /** Float64 slots of state. */
  readonly stateSize: number;
  /** Puts the state at `b` into its "no bars yet" form. */
  init(s: Float64Array, b: number): void;
  /** Applies one closed bar to the state at `b`. */
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void;
  /**
   * Applies every bar of `c`, in order, to an initialised state at 0, writing output j of bar i
   * to `cols[j][i]` — the same per-bar function as `step`, in a loop over typed arrays.
   * Optional: without it the batch path feeds `step` one bar at a time.
   */
  batch?(s: Float64Array, c: BarColumns, cols: Float64Array[]): void;
}

/*
 * The push functions below return nothing: each leaves its result in its state (`SMA_MEAN`,
 * `SEEDED_VALUE`) and the caller reads it from there. A function that V8 does not inline into
 * its caller has to box a returned double into a fresh heap number — an allocation per
 * indicator per bar, and garbage-collector work — where a store and a load cost nothing extra.
 */

/**
 * A simple moving average with technicalindicators' arithmetic: a running sum updated as
 * `sum - oldest + value` over a ring pre-filled with one zero, so results are bit-identical.
 * Layout at `b`: [count, sum, next slot, mean (NaN while warming), ring × period]. (Ring
 * positions wrap by comparison: `%` on doubles is a slow fmod call on the hot path.)
 */
export const SMA_SIZE = (period: number): number => 4 + period;
/** Where smaPush leaves the average. */
export const SMA_MEAN = 3;
const SMA_RING = 4;

export function smaInit(s: Float64Array, b: number, period: number): void {
  s.fill(0, b, b + SMA_SIZE(period));
  s[b + 2] = period === 1 ? 0 : 1;
  s[b + SMA_MEAN] = NaN;
}

/** Pushes a value; the average is at `s[b + SMA_MEAN]` once `period` values were seen, else NaN. */
export function smaPush(s: Float64Array, b: number, period: number, v: number): void {
  const n = s[b]!;
  const pos = s[b + 2]!;
  const slot = b + SMA_RING + pos;
  s[b] = n + 1;
  s[b + 2] = pos + 1 === period ? 0 : pos + 1;
  if (n < period - 1) {
    s[b + 1] = s[b + 1]! + v;
    s[slot] = v;
    return;
  }
  const sum = s[b + 1]! - s[slot]! + v;
  s[b + 1] = sum;
  s[slot] = v;
  s[b + SMA_MEAN] = sum / period;
}

/** The value pushed `back` steps ago (0 = newest, period − 1 = the oldest, next to be replaced). */
export function smaAt(s: Float64Array, b: number, period: number, back: number): number {
  let at = s[b + 2]! - 1 - back;
  if (at < 0) at += period;
  if (at < 0) at += period;
  return s[b + SMA_RING + at]!;
}

/**
 * A moving average seeded with the SMA of its first `period` inputs, then
 * `prev + (v - prev) * alpha` — EMA (alpha 2/(p+1)) and Wilder's smoothing (alpha 1/p),
 * matching technicalindicators' EMA and WEMA. Layout at `b`: [count, sum, value (NaN while
 * warming)].
 */
export const SEEDED_SIZE = 3;
/** Where seededPush leaves the average. */
export const SEEDED_VALUE = 2;

export function seededInit(s: Float64Array, b: number): void {
  s[b] = 0;
  s[b + 1] = 0;
  s[b + SEEDED_VALUE] = NaN;
}

/** Pushes a value; the average is at `s[b + SEEDED_VALUE]` (NaN until `period` values were seen). */
export function seededPush(s: Float64Array, b: number, period: number, alpha: number, v: number): void {
  const n = s[b]!;
  if (n >= period) {
    const prev = s[b + SEEDED_VALUE]!;
    s[b + SEEDED_VALUE] = (v - prev) * alpha + prev;
    return;
  }
  s[b] = n + 1;
  const sum = s[b + 1]! + v;
  s[b + 1] = sum;
  if (n + 1 === period) s[b + SEEDED_VALUE] = sum / period;
}

/**
 * Monotonic deque over the last `period` values: the window max (or min) in amortised O(1).
 * Layout at `b`: [head, length, index × period, value × period].
 */
export const DEQUE_SIZE = (period: number): number => 2 + 2 * period;

export function dequeInit(s: Float64Array, b: number, period: number): void {
  s.fill(0, b, b + DEQUE_SIZE(period));
}

/** Pushes value `v` of bar `i`; returns the max (`sign` 1) or min (`sign` -1) of the window ending at `i`. */
export function dequePush(s: Float64Array, b: number, period: number, sign: 1 | -1, i: number, v: number): number {
  let head = s[b]!;
  let len = s[b + 1]!;
  const idx = b + 2;
  const val = b + 2 + period;
  // Drop from the back every value the new one dominates.
  while (len > 0) {
    let back = head + len - 1;
    if (back >= period) back -= period;
    if (sign * s[val + back]! <= sign * v) len--;
    else break;
  }
  // Drop from the front what left the window.
  while (len > 0 && s[idx + head]! <= i - period) {
    head = head + 1 === period ? 0 : head + 1;
    len--;
  }
  let at = head + len;
  if (at >= period) at -= period;
  s[idx + at] = i;
  s[val + at] = v;
  len++;
  s[b] = head;
  s[b + 1] = len;
  return s[val + head]!;
}
