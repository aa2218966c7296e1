/**
 * mean_reversion — the close leaves the Bollinger band (previous close was inside it) with RSI
 * at an extreme: long below the lower band with RSI ≤ `oversold`, short above the upper band with
 * RSI ≥ `overbought`.
 *
 * Confidence = 0.4 + 0.3·sat(RSI distance past the threshold / 15) + 0.3·sat(distance outside the band / (0.5·ATR)).
 */
import { z } from 'zod';
import { STRATEGY_INTERFACE_VERSION, type StrategyDef } from './types';
import { decision, f, n1, namesFor, num, px, riskParams, sat, spec } from './common';

export const meanReversionSchema = z
  .object({
    bbPeriod: z.number().int().min(2).max(500).default(20),
    bbStdDev: z.number().gt(0).max(10).default(2),
    rsi: z.number().int().min(2).max(200).default(14),
    oversold: z.number().min(0).max(100).default(30),
    overbought: z.number().min(0).max(100).default(70),
    ...riskParams,
    stopAtr: riskParams.stopAtr.default(1),
    rewardRisk: riskParams.rewardRisk.default(1.5),
  })
  .strict()
  .refine((p) => p.oversold < p.overbought, { message: 'oversold must be below overbought', path: ['oversold'] });
export type MeanReversionParams = z.output<typeof meanReversionSchema>;

const names = namesFor((p: MeanReversionParams) => ({
  lower: f('bb_lower', p.bbPeriod, p.bbStdDev),
  upper: f('bb_upper', p.bbPeriod, p.bbStdDev),
  rsi: f('rsi', p.rsi),
  atr: f('atr', p.atr),
}));

export const meanReversion: StrategyDef<MeanReversionParams> = {
  id: 'mean_reversion',
  version: STRATEGY_INTERFACE_VERSION,
  summary: 'Close outside a Bollinger band with RSI at an extreme: fade back toward the mean.',
  schema: meanReversionSchema,
  indicators: (p) => [spec('bb', p.bbPeriod, p.bbStdDev), spec('rsi', p.rsi), spec('atr', p.atr)],
  lookback: () => 2,
  evaluate({ bar, features, prev, history }, p) {
    const k = names(p);
    const lower = num(features, k.lower);
    const upper = num(features, k.upper);
    const pLower = num(prev, k.lower);
    const pUpper = num(prev, k.upper);
    const rsi = num(features, k.rsi);
    const atr = num(features, k.atr);
    const prevBar = history[history.length - 2];
    if (lower === undefined || upper === undefined || pLower === undefined || pUpper === undefined || rsi === undefined || atr === undefined || !prevBar) return null;
    let side: 'buy' | 'sell';
    let conf: number;
    if (bar.close < lower && prevBar.close >= pLower && rsi <= p.oversold) {
      side = 'buy';
      conf = 0.4 + 0.3 * sat((p.oversold - rsi) / 15) + 0.3 * sat((lower - bar.close) / (0.5 * atr));
    } else if (bar.close > upper && prevBar.close <= pUpper && rsi >= p.overbought) {
      side = 'sell';
      conf = 0.4 + 0.3 * sat((rsi - p.overbought) / 15) + 0.3 * sat((bar.close - upper) / (0.5 * atr));
    } else return null;
    const reasons = (): string[] => [
      side === 'buy'
        ? `Close ${px(bar.close)} fell below the lower Bollinger band ${px(lower)} (${p.bbPeriod}, ${p.bbStdDev}σ)`
        : `Close ${px(bar.close)} rose above the upper Bollinger band ${px(upper)} (${p.bbPeriod}, ${p.bbStdDev}σ)`,
      `RSI(${p.rsi}) ${n1(rsi)} is ${side === 'buy' ? 'oversold' : 'overbought'} (threshold ${side === 'buy' ? p.oversold : p.overbought})`,
    ];
    return decision(side, bar, atr, p, conf, reasons);
  },
};
