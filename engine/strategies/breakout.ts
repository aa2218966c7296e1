/**
 * breakout — close beyond the highest high (lowest low) of the previous `period` bars, on volume
 * at least `minVolumeRatio` × its average. Long above the high, short below the low.
 *
 * Confidence = 0.4 + 0.3·sat((volume ratio − 1) / 2) + 0.3·sat(breakout distance / (0.5·ATR)).
 */
import { z } from 'zod';
import { STRATEGY_INTERFACE_VERSION, type StrategyDef } from './types';
import { decision, f, n1, namesFor, num, px, riskParams, sat, spec } from './common';

export const breakoutSchema = z
  .object({
    period: z.number().int().min(2).max(500).default(20),
    volumePeriod: z.number().int().min(2).max(500).default(20),
    minVolumeRatio: z.number().min(0).max(100).default(1.5),
    ...riskParams,
  })
  .strict();
export type BreakoutParams = z.output<typeof breakoutSchema>;

const names = namesFor((p: BreakoutParams) => ({ atr: f('atr', p.atr), vr: f('volume_ratio', p.volumePeriod) }));

export const breakout: StrategyDef<BreakoutParams> = {
  id: 'breakout',
  version: STRATEGY_INTERFACE_VERSION,
  summary: 'Close breaking the N-bar high/low on above-average volume.',
  schema: breakoutSchema,
  indicators: (p) => [spec('atr', p.atr), spec('volume_ratio', p.volumePeriod)],
  lookback: (p) => p.period + 1,
  evaluate({ bar, features, history }, p) {
    if (history.length < p.period + 1) return null;
    const k = names(p);
    const atr = num(features, k.atr);
    const vr = num(features, k.vr);
    if (atr === undefined || vr === undefined || vr < p.minVolumeRatio) return null;
    let hi = -Infinity;
    let lo = Infinity;
    for (let i = history.length - 1 - p.period; i < history.length - 1; i++) {
      const b = history[i]!;
      if (b.high > hi) hi = b.high;
      if (b.low < lo) lo = b.low;
    }
    let side: 'buy' | 'sell';
    let level: number;
    if (bar.close > hi) [side, level] = ['buy', hi];
    else if (bar.close < lo) [side, level] = ['sell', lo];
    else return null;
    const dist = Math.abs(bar.close - level);
    const conf = 0.4 + 0.3 * sat((vr - 1) / 2) + 0.3 * sat(dist / (0.5 * atr));
    const reasons = (): string[] => [`Close ${px(bar.close)} broke ${p.period}-bar ${side === 'buy' ? 'high' : 'low'} ${px(level)} on ${n1(vr)}× average volume`];
    return decision(side, bar, atr, p, conf, reasons);
  },
};
