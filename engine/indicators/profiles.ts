/** Feature profiles: named indicator sets with parameters, selectable per signal channel. */
import { featureNames, parseSpec, uniqueSpecs } from './spec';
import type { FeatureProfile, IndicatorSpec } from './types';

const specs = (...written: string[]): IndicatorSpec[] => written.map(parseSpec);

export const PROFILES: readonly FeatureProfile[] = [
  {
    name: 'trend_follow_v1',
    summary: 'Trend following: EMA 9/21/50, MACD 12/26/9, ADX 14, ATR 14 for stops, volume ratio 20.',
    indicators: specs('ema:9', 'ema:21', 'ema:50', 'macd:12:26:9', 'adx:14', 'atr:14', 'volume_ratio:20'),
  },
  {
    name: 'mean_reversion_v1',
    summary: 'Mean reversion: Bollinger 20/2, RSI 14, Stochastic 14/3, SMA 50, ATR 14, session VWAP, volume ratio 20.',
    indicators: specs('bb:20:2', 'rsi:14', 'stoch:14:3', 'sma:50', 'atr:14', 'vwap', 'volume_ratio:20'),
  },
  {
    name: 'full_v1',
    summary: 'Everything trend_follow_v1 has, plus RSI, Bollinger, Stochastic, OBV, VWAP, SMA 200 and swing support/resistance.',
    extends: 'trend_follow_v1',
    indicators: specs('rsi:14', 'bb:20:2', 'stoch:14:3', 'sma:50', 'sma:200', 'obv', 'vwap', 'sr:5'),
  },
];

export const PROFILE_NAMES = PROFILES.map((p) => p.name);

export function getProfile(name: string): FeatureProfile | undefined {
  return PROFILES.find((p) => p.name === name);
}

/** A profile's indicators with everything it extends resolved (parents first, duplicates removed). */
export function profileSpecs(name: string): IndicatorSpec[] {
  const chain: FeatureProfile[] = [];
  let p = getProfile(name);
  if (!p) throw new Error(`unknown feature profile "${name}" (known: ${PROFILE_NAMES.join(', ')})`);
  while (p) {
    if (chain.includes(p)) throw new Error(`feature profile "${name}" extends itself`);
    chain.unshift(p);
    p = p.extends ? getProfile(p.extends) : undefined;
  }
  return uniqueSpecs(chain.flatMap((c) => c.indicators));
}

/** Feature names of a profile, in engine order. */
export function profileFeatureNames(name: string): string[] {
  return profileSpecs(name).flatMap(featureNames);
}
