/**
 * ema_cross — the reference strategy. Long entry when EMA(fast) closes above EMA(slow) after
 * being at or below it on the previous bar; exit (sell side) on the opposite cross: EMA(fast)
 * closes below EMA(slow) after being at or above it. Decisions on closed bars only.
 *
 * Confidence = 0.4 + 0.3·sat(|EMAf − EMAs| / (0.1·ATR)) + 0.3·sat(|close − EMAs| / ATR):
 * a cross with a clear gap and price well away from the slow average scores higher.
 */
import { z } from 'zod';
import { STRATEGY_INTERFACE_VERSION, type StrategyDef } from './types';
import { decision, f, n2, num, px, riskParams, sat, spec } from './common';

export const emaCrossSchema = z
  .object({
    fast: z.number().int().min(1).max(500).default(9),
    slow: z.number().int().min(2).max(1000).default(21),
    ...riskParams,
  })
  .strict()
  .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] });
export type EmaCrossParams = z.output<typeof emaCrossSchema>;

export const emaCross: StrategyDef<EmaCrossParams> = {
  id: 'ema_cross',
  version: STRATEGY_INTERFACE_VERSION,
  summary: 'EMA(fast) crossing EMA(slow): long on the cross up, exit/short on the cross down (reference strategy).',
  schema: emaCrossSchema,
  indicators: (p) => [spec('ema', p.fast), spec('ema', p.slow), spec('atr', p.atr)],
  lookback: () => 2,
  evaluate({ bar, features, prev }, p) {
    const fast = num(features, f('ema', p.fast));
    const slow = num(features, f('ema', p.slow));
    const pf = num(prev, f('ema', p.fast));
    const ps = num(prev, f('ema', p.slow));
    const atr = num(features, f('atr', p.atr));
    if (fast === undefined || slow === undefined || pf === undefined || ps === undefined || atr === undefined) return null;
    let side: 'buy' | 'sell';
    if (pf <= ps && fast > slow) side = 'buy';
    else if (pf >= ps && fast < slow) side = 'sell';
    else return null;
    const gap = Math.abs(fast - slow);
    const conf = 0.4 + 0.3 * sat(gap / (0.1 * atr)) + 0.3 * sat(Math.abs(bar.close - slow) / atr);
    const reasons = [
      side === 'buy'
        ? `EMA(${p.fast}) ${px(fast)} crossed above EMA(${p.slow}) ${px(slow)} (was ${px(pf)} ≤ ${px(ps)})`
        : `EMA(${p.fast}) ${px(fast)} crossed below EMA(${p.slow}) ${px(slow)} (was ${px(pf)} ≥ ${px(ps)})`,
      `Close ${px(bar.close)}, gap ${n2(gap / atr)}× ATR`,
    ];
    return decision(side, bar, atr, p, conf, reasons);
  },
};
