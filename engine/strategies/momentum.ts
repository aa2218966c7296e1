/**
 * momentum — the MACD histogram turns positive (negative) while RSI confirms (between `rsiFloor`
 * and `rsiCeiling` for longs, mirrored for shorts) and price is on the trend side of EMA(trend).
 *
 * Confidence = 0.3 + 0.35·sat(|RSI − 50| / 20) + 0.35·sat(|histogram| / (0.1·ATR)).
 */
import { z } from 'zod';
import { STRATEGY_INTERFACE_VERSION, type StrategyDef } from './types';
import { decision, emitDecision, f, finite, n1, namesFor, num, px, riskParams, sat, spec } from './common';

export const momentumSchema = z
  .object({
    rsi: z.number().int().min(2).max(200).default(14),
    macdFast: z.number().int().min(1).max(200).default(12),
    macdSlow: z.number().int().min(2).max(400).default(26),
    macdSignal: z.number().int().min(1).max(200).default(9),
    trend: z.number().int().min(2).max(1000).default(50),
    rsiFloor: z.number().min(0).max(100).default(50),
    rsiCeiling: z.number().min(0).max(100).default(75),
    ...riskParams,
  })
  .strict()
  .refine((p) => p.macdFast < p.macdSlow, { message: 'macdFast must be shorter than macdSlow', path: ['macdFast'] })
  .refine((p) => p.rsiFloor < p.rsiCeiling, { message: 'rsiFloor must be below rsiCeiling', path: ['rsiFloor'] });
export type MomentumParams = z.output<typeof momentumSchema>;

const names = namesFor((p: MomentumParams) => ({
  hist: f('macd_hist', p.macdFast, p.macdSlow, p.macdSignal),
  rsi: f('rsi', p.rsi),
  trend: f('ema', p.trend),
  atr: f('atr', p.atr),
}));

export const momentum: StrategyDef<MomentumParams> = {
  id: 'momentum',
  version: STRATEGY_INTERFACE_VERSION,
  summary: 'MACD histogram turning with RSI confirmation, in the direction of EMA(trend).',
  schema: momentumSchema,
  indicators: (p) => [spec('rsi', p.rsi), spec('macd', p.macdFast, p.macdSlow, p.macdSignal), spec('ema', p.trend), spec('atr', p.atr)],
  lookback: () => 2,
  evaluate({ bar, features, prev }, p) {
    const k = names(p);
    const hist = num(features, k.hist);
    const prevHist = num(prev, k.hist);
    const rsi = num(features, k.rsi);
    const trend = num(features, k.trend);
    const atr = num(features, k.atr);
    if (hist === undefined || prevHist === undefined || rsi === undefined || trend === undefined || atr === undefined) return null;
    const side = momentumSide(hist, prevHist, rsi, bar.close, trend, p);
    if (side === null) return null;
    const conf = momentumConfidence(hist, rsi, atr);
    const reasons = (): string[] => [
      `MACD histogram turned ${side === 'buy' ? 'positive' : 'negative'} (${px(prevHist)} → ${px(hist)})`,
      `RSI(${p.rsi}) ${n1(rsi)} confirms ${side === 'buy' ? 'upward' : 'downward'} momentum`,
      `Close ${px(bar.close)} ${side === 'buy' ? 'above' : 'below'} EMA(${p.trend}) ${px(trend)}`,
    ];
    return decision(side, bar, atr, p, conf, reasons);
  },
  /** `evaluate` over columns: the same turn test, confidence and levels, only where the histogram turns. */
  decideColumns(c, p, emit) {
    const k = names(p);
    const histC = c.column(k.hist);
    const rsiC = c.column(k.rsi);
    const trendC = c.column(k.trend);
    const atrC = c.column(k.atr);
    const close = c.close;
    for (let i = 1; i < c.length; i++) {
      const hist = histC[i]!;
      const prevHist = histC[i - 1]!;
      // Most bars: the histogram keeps its sign (NaN while warming compares false).
      if (!((prevHist <= 0 && hist > 0) || (prevHist >= 0 && hist < 0))) continue;
      const rsi = rsiC[i]!;
      const trend = trendC[i]!;
      const atr = atrC[i]!;
      if (!(finite(hist) && finite(prevHist) && finite(rsi) && finite(trend) && finite(atr))) continue;
      const side = momentumSide(hist, prevHist, rsi, close[i]!, trend, p);
      if (side !== null) emitDecision(emit, i, side, close[i]!, atr, p, momentumConfidence(hist, rsi, atr));
    }
  },
};

/** The turn: histogram crossing zero, RSI inside the confirming band, close on the trend side. */
function momentumSide(hist: number, prevHist: number, rsi: number, close: number, trend: number, p: MomentumParams): 'buy' | 'sell' | null {
  if (prevHist <= 0 && hist > 0 && rsi >= p.rsiFloor && rsi <= p.rsiCeiling && close > trend) return 'buy';
  if (prevHist >= 0 && hist < 0 && rsi <= 100 - p.rsiFloor && rsi >= 100 - p.rsiCeiling && close < trend) return 'sell';
  return null;
}

/** The documented confidence formula. */
function momentumConfidence(hist: number, rsi: number, atr: number): number {
  return 0.3 + 0.35 * sat(Math.abs(rsi - 50) / 20) + 0.35 * sat(Math.abs(hist) / (0.1 * atr));
}
