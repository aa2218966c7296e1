/**
 * funding_fade — fade extreme perpetual funding when price confirms. Reads the point-in-time
 * feature of a funding series (param `funding`, a spec `ext:<source>:funding`; feature
 * `ext_<source>_funding`): its value on a bar is the newest funding reading at or before the bar's
 * close, never a later one.
 *
 * Rule, on a closed bar:
 * - SELL when funding ≥ +threshold (longs pay: crowded long) AND price confirms weakness: the
 *   close is below EMA(ema) and below the previous bar's close.
 * - BUY when funding ≤ −threshold (shorts pay: crowded short) AND price confirms strength: the
 *   close is above EMA(ema) and above the previous bar's close.
 * No funding value yet (nothing published before the bar's close) → no decision.
 *
 * Confidence = 0.45 + 0.35·sat((|funding| / threshold − 1) / 2) + 0.2·sat(|close − EMA| / ATR):
 * funding far past the threshold and price clearly through the average score higher.
 */
import { z } from 'zod';
import { parseExtSpec, extFeature } from '../market/series/point-in-time';
import { STRATEGY_INTERFACE_VERSION, type StrategyDef } from './types';
import { decision, f, n2, num, px, riskParams, sat, spec } from './common';

const FundingSpec = z
  .string()
  .regex(/^ext:[a-z0-9][a-z0-9_-]*:funding$/i, 'a funding series spec like ext:bn:funding');

export const fundingFadeSchema = z
  .object({
    /** Which funding series to read: ext:<source>:funding. */
    funding: FundingSpec.default('ext:bn:funding'),
    /** |funding| at or beyond this (a fraction per funding interval: 0.0005 = 0.05 %) is extreme. */
    threshold: z.number().gt(0).max(0.1).default(0.0005),
    ema: z.number().int().min(2).max(500).default(20),
    ...riskParams,
  })
  .strict();
export type FundingFadeParams = z.output<typeof fundingFadeSchema>;

const pct = (x: number): string => `${(x * 100).toFixed(4)} %`;

export const fundingFade: StrategyDef<FundingFadeParams> = {
  id: 'funding_fade',
  version: STRATEGY_INTERFACE_VERSION,
  summary: 'Fade extreme perpetual funding (a point-in-time ext feature) when price confirms: sell crowded longs, buy crowded shorts.',
  schema: fundingFadeSchema,
  indicators: (p) => [spec('ema', p.ema), spec('atr', p.atr)],
  ext: (p) => [p.funding],
  lookback: () => 2,
  evaluate({ bar, features, history }, p) {
    const funding = num(features, extFeature(parseExtSpec(p.funding)));
    const ema = num(features, f('ema', p.ema));
    const atr = num(features, f('atr', p.atr));
    const prevBar = history.length >= 2 ? history[history.length - 2]! : null;
    if (funding === undefined || ema === undefined || atr === undefined || !prevBar) return null;
    let side: 'buy' | 'sell';
    if (funding >= p.threshold && bar.close < ema && bar.close < prevBar.close) side = 'sell';
    else if (funding <= -p.threshold && bar.close > ema && bar.close > prevBar.close) side = 'buy';
    else return null;
    const conf = 0.45 + 0.35 * sat((Math.abs(funding) / p.threshold - 1) / 2) + 0.2 * sat(Math.abs(bar.close - ema) / atr);
    const reasons = [
      side === 'sell'
        ? `Funding ${pct(funding)} ≥ ${pct(p.threshold)}: longs crowded; close ${px(bar.close)} below EMA(${p.ema}) ${px(ema)} and the previous close ${px(prevBar.close)}`
        : `Funding ${pct(funding)} ≤ −${pct(p.threshold)}: shorts crowded; close ${px(bar.close)} above EMA(${p.ema}) ${px(ema)} and the previous close ${px(prevBar.close)}`,
      `Funding ${n2(Math.abs(funding) / p.threshold)}× the threshold`,
    ];
    return decision(side, bar, atr, p, conf, reasons);
  },
};
