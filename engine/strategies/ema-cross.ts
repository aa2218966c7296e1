/**
 * ema_cross — the reference strategy. Long entry when EMA(fast) closes above EMA(slow) after
 * being at or below it on the previous bar; exit (sell side) on the opposite cross: EMA(fast)
 * closes below EMA(slow) after being at or above it. Decisions on closed bars only.
 *
 * Confidence = 0.4 + 0.3·sat(|EMAf − EMAs| / (0.1·ATR)) + 0.3·sat(|close − EMAs| / ATR):
 * a cross with a clear gap and price well away from the slow average scores higher.
 */
import { z } from 'zod';
import { STRATEGY_INTERFACE_VERSION, type StrategyDecision, type StrategyDef } from './types';
import type { Bar } from '../indicators/types';
import { decision, emitDecision, f, finite, n2, namesFor, num, px, riskParams, sat, spec } from './common';

export const emaCrossSchema = z
  .object({
    fast: z.number().int().min(1).max(500).default(9),
    slow: z.number().int().min(2).max(1000).default(21),
    ...riskParams,
  })
  .strict()
  .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] });
export type EmaCrossParams = z.output<typeof emaCrossSchema>;

const names = namesFor((p: EmaCrossParams) => ({ fast: f('ema', p.fast), slow: f('ema', p.slow), atr: f('atr', p.atr) }));

export const emaCross: StrategyDef<EmaCrossParams> = {
  id: 'ema_cross',
  version: STRATEGY_INTERFACE_VERSION,
  summary: 'EMA(fast) crossing EMA(slow): long on the cross up, exit/short on the cross down (reference strategy).',
  schema: emaCrossSchema,
  indicators: (p) => [spec('ema', p.fast), spec('ema', p.slow), spec('atr', p.atr)],
  lookback: () => 2,
  evaluate({ bar, features, prev }, p) {
    const k = names(p);
    const fast = num(features, k.fast);
    const slow = num(features, k.slow);
    const pf = num(prev, k.fast);
    const ps = num(prev, k.slow);
    const atr = num(features, k.atr);
    if (fast === undefined || slow === undefined || pf === undefined || ps === undefined || atr === undefined) return null;
    const side = crossSide(fast, slow, pf, ps);
    if (side === null) return null;
    return crossDecision(side, bar, p, fast, slow, pf, ps, atr);
  },
  /** `evaluate` over columns: the same cross test, confidence and levels, at the crosses only. */
  decideColumns(c, p, emit) {
    const k = names(p);
    const fastC = c.column(k.fast);
    const slowC = c.column(k.slow);
    const atrC = c.column(k.atr);
    const close = c.close;
    const n = c.length;
    let pf = fastC[0]!;
    let ps = slowC[0]!;
    for (let i = 1; i < n; i++) {
      const fast = fastC[i]!;
      const slow = slowC[i]!;
      const a = pf;
      const b = ps;
      pf = fast;
      ps = slow;
      // Most bars: no cross (NaN while warming compares false), nothing else to read.
      if (!((a <= b && fast > slow) || (a >= b && fast < slow))) continue;
      const atr = atrC[i]!;
      if (!(finite(fast) && finite(slow) && finite(a) && finite(b) && finite(atr))) continue;
      const side = crossSide(fast, slow, a, b)!;
      emitDecision(emit, i, side, close[i]!, atr, p, crossConfidence(close[i]!, fast, slow, atr));
    }
  },
};

/** The cross rule: up (buy) when fast closes above slow after being at or below it; down (sell) the mirror. */
function crossSide(fast: number, slow: number, pf: number, ps: number): 'buy' | 'sell' | null {
  if (pf <= ps && fast > slow) return 'buy';
  if (pf >= ps && fast < slow) return 'sell';
  return null;
}

/** The documented confidence formula. */
function crossConfidence(close: number, fast: number, slow: number, atr: number): number {
  return 0.4 + 0.3 * sat(Math.abs(fast - slow) / (0.1 * atr)) + 0.3 * sat(Math.abs(close - slow) / atr);
}

/**
 * The decision on a cross, out of `evaluate` so the closure that writes the reasons is only
 * created on a cross: `evaluate` itself captures nothing and allocates nothing on other bars.
 */
function crossDecision(side: 'buy' | 'sell', bar: Bar, p: EmaCrossParams, fast: number, slow: number, pf: number, ps: number, atr: number): StrategyDecision | null {
  const gap = Math.abs(fast - slow);
  const conf = crossConfidence(bar.close, fast, slow, atr);
  const reasons = (): string[] => [
    side === 'buy'
      ? `EMA(${p.fast}) ${px(fast)} crossed above EMA(${p.slow}) ${px(slow)} (was ${px(pf)} ≤ ${px(ps)})`
      : `EMA(${p.fast}) ${px(fast)} crossed below EMA(${p.slow}) ${px(slow)} (was ${px(pf)} ≥ ${px(ps)})`,
    `Close ${px(bar.close)}, gap ${n2(gap / atr)}× ATR`,
  ];
  return decision(side, bar, atr, p, conf, reasons);
}
