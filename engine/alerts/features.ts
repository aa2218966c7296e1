/**
 * Feature names → the indicator spec that produces them (`rsi_14` → rsi:14,
 * `bb_lower_20_2` → bb:20:2, `macd_signal_12_26_9` → macd:12:26:9, `pdi_14` → adx:14).
 */
import { featureNames, normalizeSpec } from '../indicators';
import type { IndicatorKind, IndicatorSpec } from '../indicators/types';

/** Output prefixes of each indicator, longest first so `macd_signal` wins over `macd`. */
const PREFIXES: ReadonlyArray<[string, IndicatorKind]> = (
  [
    ['macd_signal', 'macd'],
    ['macd_hist', 'macd'],
    ['macd', 'macd'],
    ['bb_upper', 'bb'],
    ['bb_middle', 'bb'],
    ['bb_lower', 'bb'],
    ['stoch_k', 'stoch'],
    ['stoch_d', 'stoch'],
    ['sr_support', 'sr'],
    ['sr_resistance', 'sr'],
    ['volume_ratio', 'volume_ratio'],
    ['ema', 'ema'],
    ['sma', 'sma'],
    ['rsi', 'rsi'],
    ['atr', 'atr'],
    ['adx', 'adx'],
    ['pdi', 'adx'],
    ['mdi', 'adx'],
    ['obv', 'obv'],
    ['vwap', 'vwap'],
  ] as Array<[string, IndicatorKind]>
).sort((a, b) => b[0].length - a[0].length);

/** The spec producing a feature, or null for a name the indicator engine does not know. */
export function featureSpec(name: string): IndicatorSpec | null {
  for (const [prefix, kind] of PREFIXES) {
    if (name !== prefix && !name.startsWith(`${prefix}_`)) continue;
    const rest = name === prefix ? [] : name.slice(prefix.length + 1).split('_');
    if (rest.some((p) => !/^\d+(\.\d+)?$/.test(p))) continue;
    try {
      const spec = normalizeSpec({ kind, params: rest.map(Number) });
      if (rest.length === 0 && spec.params.length > 0) continue; // `rsi` alone names no feature
      if (featureNames(spec).includes(name)) return spec;
    } catch {
      // not this prefix
    }
  }
  return null;
}
