/**
 * scalping — a fast RSI snapping back out of an extreme with volume behind it, in the direction
 * of EMA(trend): long when RSI(period) crosses up through `oversold` with close above EMA(trend)
 * and volume ratio ≥ `minVolumeRatio`; short when it crosses down through `overbought` below
 * EMA(trend). Tight stops (0.75 ATR) and 1.5:1 targets by default.
 *
 * Confidence = 0.4 + 0.3·sat(|ΔRSI| / 15) + 0.3·sat(volume ratio − 1).
 */
import { z } from 'zod';
import { STRATEGY_INTERFACE_VERSION, type StrategyDef } from './types';
import { decision, f, n1, namesFor, num, px, riskParams, sat, spec } from './common';

export const scalpingSchema = z
  .object({
    rsi: z.number().int().min(2).max(200).default(7),
    oversold: z.number().min(0).max(100).default(30),
    overbought: z.number().min(0).max(100).default(70),
    trend: z.number().int().min(2).max(1000).default(21),
    volumePeriod: z.number().int().min(2).max(500).default(20),
    minVolumeRatio: z.number().min(0).max(100).default(1.1),
    ...riskParams,
    stopAtr: riskParams.stopAtr.default(0.75),
    rewardRisk: riskParams.rewardRisk.default(1.5),
  })
  .strict()
  .refine((p) => p.oversold < p.overbought, { message: 'oversold must be below overbought', path: ['oversold'] });
export type ScalpingParams = z.output<typeof scalpingSchema>;

const names = namesFor((p: ScalpingParams) => ({
  rsi: f('rsi', p.rsi),
  trend: f('ema', p.trend),
  atr: f('atr', p.atr),
  vr: f('volume_ratio', p.volumePeriod),
}));

export const scalping: StrategyDef<ScalpingParams> = {
  id: 'scalping',
  version: STRATEGY_INTERFACE_VERSION,
  summary: 'Fast RSI snapping back from an extreme on volume, with the short trend.',
  schema: scalpingSchema,
  indicators: (p) => [spec('rsi', p.rsi), spec('ema', p.trend), spec('atr', p.atr), spec('volume_ratio', p.volumePeriod)],
  lookback: () => 2,
  evaluate({ bar, features, prev }, p) {
    const k = names(p);
    const rsi = num(features, k.rsi);
    const prevRsi = num(prev, k.rsi);
    const trend = num(features, k.trend);
    const atr = num(features, k.atr);
    const vr = num(features, k.vr);
    if (rsi === undefined || prevRsi === undefined || trend === undefined || atr === undefined || vr === undefined) return null;
    if (vr < p.minVolumeRatio) return null;
    let side: 'buy' | 'sell';
    if (prevRsi < p.oversold && rsi >= p.oversold && bar.close > trend) side = 'buy';
    else if (prevRsi > p.overbought && rsi <= p.overbought && bar.close < trend) side = 'sell';
    else return null;
    const conf = 0.4 + 0.3 * sat(Math.abs(rsi - prevRsi) / 15) + 0.3 * sat(vr - 1);
    const reasons = (): string[] => [
      `RSI(${p.rsi}) crossed ${side === 'buy' ? `up through ${p.oversold}` : `down through ${p.overbought}`} (${n1(prevRsi)} → ${n1(rsi)}) on ${n1(vr)}× average volume`,
      `Close ${px(bar.close)} ${side === 'buy' ? 'above' : 'below'} EMA(${p.trend}) ${px(trend)}`,
    ];
    return decision(side, bar, atr, p, conf, reasons);
  },
};
