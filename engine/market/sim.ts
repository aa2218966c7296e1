/**
 * The embedded simulated market: deterministic from a seed. Every 5-second step of every
 * symbol draws its randomness from hash(seed, symbol, step time), so the same start state
 * always yields the same path, however the clock is sliced into ticks and across restarts.
 * Symbols differ in behaviour: trend, range (mean reversion), volatility regimes, jumps, volume.
 */
import { TIMEFRAME_MS, type Ohlcv } from '../api/timeframes';

export type SimBehaviour = 'trend' | 'range' | 'volatile' | 'jumpy';

export interface SimSymbolSpec {
  symbol: string;
  basePrice: number;
  tick: number;
  /** Annualised volatility in normal regime. */
  vol: number;
  behaviour: SimBehaviour;
  /** Base volume per 1m bar, in base currency. */
  baseVolume: number;
}

export const DEFAULT_SIM_SYMBOLS: readonly SimSymbolSpec[] = [
  { symbol: 'BTC/USDT', basePrice: 64000, tick: 0.1, vol: 0.55, behaviour: 'trend', baseVolume: 12 },
  { symbol: 'ETH/USDT', basePrice: 3200, tick: 0.01, vol: 0.7, behaviour: 'trend', baseVolume: 150 },
  { symbol: 'SOL/USDT', basePrice: 150, tick: 0.01, vol: 1.0, behaviour: 'volatile', baseVolume: 2500 },
  { symbol: 'BNB/USDT', basePrice: 580, tick: 0.1, vol: 0.45, behaviour: 'range', baseVolume: 300 },
  { symbol: 'XRP/USDT', basePrice: 0.62, tick: 0.0001, vol: 0.8, behaviour: 'jumpy', baseVolume: 400000 },
  { symbol: 'ADA/USDT', basePrice: 0.45, tick: 0.0001, vol: 0.75, behaviour: 'range', baseVolume: 500000 },
  { symbol: 'DOGE/USDT', basePrice: 0.15, tick: 0.00001, vol: 1.1, behaviour: 'jumpy', baseVolume: 3000000 },
  { symbol: 'LINK/USDT', basePrice: 15, tick: 0.001, vol: 0.85, behaviour: 'volatile', baseVolume: 20000 },
];

const BEHAVIOURS: readonly SimBehaviour[] = ['trend', 'range', 'volatile', 'jumpy'];

/** The default list, extended with generated symbols (SIM001/USDT …) up to `count`. */
export function simSymbols(count: number): SimSymbolSpec[] {
  const out = DEFAULT_SIM_SYMBOLS.slice(0, Math.max(0, count));
  for (let i = out.length; i < count; i++) {
    const n = i + 1;
    out.push({
      symbol: `SIM${String(n).padStart(3, '0')}/USDT`,
      basePrice: 1 + ((n * 7919) % 997),
      tick: 0.001,
      vol: 0.5 + ((n * 31) % 70) / 100,
      behaviour: BEHAVIOURS[n % BEHAVIOURS.length] ?? 'trend',
      baseVolume: 1000 + ((n * 104729) % 50000),
    });
  }
  return out;
}

export const SIM_STEP_MS = 5_000;
const BAR_MS = TIMEFRAME_MS['1m'];
const REGIME_MS = 6 * 3_600_000;
const STEPS_PER_YEAR = (365 * 24 * 3_600_000) / SIM_STEP_MS;

/** 32-bit integer hash (a murmur3 finaliser over mixed inputs). */
function hash32(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(c ^ 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
const unit = (h: number): number => (h + 0.5) / 4294967296;

/** Deterministic uniforms for one (seed, symbol, step). */
function uniforms(seed: number, sym: number, step: number, k: number): number {
  // step may exceed 2^32 / 5s granularity is fine for centuries; fold the high part in.
  return unit(hash32(seed + k * 0x51ed27, sym, (step % 4294967296) ^ Math.floor(step / 4294967296)));
}

function normal(seed: number, sym: number, step: number, k: number): number {
  const u1 = uniforms(seed, sym, step, k);
  const u2 = uniforms(seed, sym, step, k + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export interface SimRegime {
  volMultiplier: number;
  drift: number;
}

export function regimeAt(seed: number, symIndex: number, ts: number, behaviour: SimBehaviour): SimRegime {
  const r = Math.floor(ts / REGIME_MS);
  const u = uniforms(seed, symIndex, r, 101);
  const volMultiplier = u < 0.25 ? 0.5 : u < 0.75 ? 1 : u < 0.93 ? 1.8 : 3;
  const d = uniforms(seed, symIndex, r, 103);
  // Annualised drift: trends are persistent within a regime; ranges have none.
  const drift = behaviour === 'trend' ? (d - 0.4) * 4 : behaviour === 'range' ? 0 : (d - 0.5) * 2;
  return { volMultiplier, drift };
}

/** One symbol's state: the forming 1m bar and the current price. */
export class SimSeries {
  readonly index: number;
  price: number;
  /** Time of the next step to simulate (ms, multiple of SIM_STEP_MS). */
  nextStep: number;
  bar: Ohlcv | null = null;
  private readonly anchor: number;

  constructor(
    readonly spec: SimSymbolSpec,
    index: number,
    private readonly seed: number,
    startTs: number,
    startPrice?: number,
  ) {
    this.index = index;
    this.anchor = Math.log(spec.basePrice);
    this.price = startPrice ?? spec.basePrice;
    this.nextStep = Math.ceil(startTs / SIM_STEP_MS) * SIM_STEP_MS;
  }

  private round(p: number): number {
    const t = this.spec.tick;
    const r = Math.round(p / t) * t;
    // Keep decimal representation clean (0.1 + 0.2 artefacts).
    const decimals = Math.max(0, Math.ceil(-Math.log10(t)));
    return Math.max(t, Number(r.toFixed(decimals)));
  }

  /**
   * Advances the series up to (not including) `until`, calling `onClose` for every 1m bar
   * that completes. Returns the number of steps simulated.
   */
  advance(until: number, onClose: (bar: Ohlcv) => void): number {
    const { spec, seed, index } = this;
    let steps = 0;
    const sigmaBase = spec.vol / Math.sqrt(STEPS_PER_YEAR);
    while (this.nextStep < until) {
      const ts = this.nextStep;
      const step = ts / SIM_STEP_MS;
      const barTs = ts - (ts % BAR_MS);
      if (this.bar && this.bar[0] !== barTs) {
        onClose(this.bar);
        this.bar = null;
      }
      const regime = regimeAt(seed, index, ts, spec.behaviour);
      const sigma = sigmaBase * regime.volMultiplier;
      let ret = (regime.drift / STEPS_PER_YEAR) + sigma * normal(seed, index, step, 1);
      if (spec.behaviour === 'range') ret += 0.0008 * (this.anchor - Math.log(this.price));
      else ret += 0.00002 * (this.anchor - Math.log(this.price)); // keeps long runs bounded
      const jumpChance = spec.behaviour === 'jumpy' ? 0.0015 : spec.behaviour === 'volatile' ? 0.0006 : 0.0002;
      if (uniforms(seed, index, step, 7) < jumpChance) {
        const size = 0.01 + 0.03 * uniforms(seed, index, step, 8);
        ret += uniforms(seed, index, step, 9) < 0.5 ? -size : size;
      }
      const open = this.bar ? this.bar[4] : this.price;
      const next = this.round(this.price * Math.exp(ret));
      const wick = Math.abs(sigma * normal(seed, index, step, 11)) * 0.5;
      const hi = this.round(Math.max(open, next) * (1 + wick));
      const lo = this.round(Math.min(open, next) * (1 - wick));
      const vol =
        (spec.baseVolume / (BAR_MS / SIM_STEP_MS)) *
        regime.volMultiplier *
        (1 + Math.min(20, Math.abs(ret) / Math.max(sigma, 1e-12))) *
        (0.5 + uniforms(seed, index, step, 13));
      const volume = Number(vol.toFixed(4));
      if (!this.bar) this.bar = [barTs, open, Math.max(hi, open), Math.min(lo, open), next, volume];
      else {
        this.bar[2] = Math.max(this.bar[2], hi);
        this.bar[3] = Math.min(this.bar[3], lo);
        this.bar[4] = next;
        this.bar[5] = Number((this.bar[5] + volume).toFixed(4));
      }
      this.price = next;
      this.nextStep = ts + SIM_STEP_MS;
      steps++;
    }
    // A bar whose last step has been simulated is complete once `until` reaches its end.
    if (this.bar && this.bar[0] + BAR_MS <= until) {
      onClose(this.bar);
      this.bar = null;
    }
    return steps;
  }
}

/** The sim clock: starts at `simStart` and runs `speed` times faster than real time. */
export class SimClock {
  private realStart: number;
  private simAt: number;
  constructor(
    readonly simStart: number,
    private rate: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.realStart = realNow();
    this.simAt = simStart;
  }
  get speed(): number {
    return this.rate;
  }
  now(): number {
    return this.simAt + Math.floor((this.realNow() - this.realStart) * this.rate);
  }
  /** Runs on at another speed from now on; the clock does not jump (and never runs backwards). */
  setSpeed(speed: number): void {
    this.simAt = this.now();
    this.realStart = this.realNow();
    this.rate = speed;
  }
}
