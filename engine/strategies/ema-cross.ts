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
import { decision, f, n2, namesFor, num, px, riskParams, sat, spec } from './common';

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
    let side: 'buy' | 'sell';
    if (pf <= ps && fast > slow) side = 'buy';
    else if (pf >= ps && fast < slow) side = 'sell';
    else return null;
    return crossDecision(side, bar, p, fast, slow, pf, ps, atr);
  },
};

/**
 * The decision on a cross, out of `evaluate` so the closure that writes the reasons is only
 * created on a cross: `evaluate` itself captures nothing and allocates nothing on other bars.
 */
function crossDecision(side: 'buy' | 'sell', bar: Bar, p: EmaCrossParams, fast: number, slow: number, pf: number, ps: number, atr: number): StrategyDecision | null {
  const gap = Math.abs(fast - slow);
  const conf = 0.4 + 0.3 * sat(gap / (0.1 * atr)) + 0.3 * sat(Math.abs(bar.close - slow) / atr);
  const reasons = (): string[] => [
    side === 'buy'
      ? `EMA(${p.fast}) ${px(fast)} crossed above EMA(${p.slow}) ${px(slow)} (was ${px(pf)} ≤ ${px(ps)})`
      : `EMA(${p.fast}) ${px(fast)} crossed below EMA(${p.slow}) ${px(slow)} (was ${px(pf)} ≥ ${px(ps)})`,
    `Close ${px(bar.close)}, gap ${n2(gap / atr)}× ATR`,
  ];
  return decision(side, bar, atr, p, conf, reasons);
}
