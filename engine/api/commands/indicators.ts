/**
 * Indicators area: feature profiles and indicator series over stored candles.
 * Specs are written `kind:param:param` (`macd:12:26:9`); feature names are the CLI's columns
 * (`macd_12_26_9`, `macd_signal_12_26_9`, …).
 */
import { z } from 'zod';
import { command, Empty, SourceId, SymbolSchema, TimeframeSchema } from './define';

export interface IndicatorProfileInfo {
  name: string;
  summary: string;
  extends: string | null;
  /** The profile's own indicators, written as specs. */
  indicators: string[];
  /** Resolved specs, `extends` included (parents first, duplicates removed). */
  specs: string[];
  /** Feature names the resolved specs produce, in engine order. */
  names: string[];
  /** Bars before every feature has a value. */
  warmup: number;
}

export interface IndicatorSeries {
  /** Feature names, one per value column after the timestamp. */
  names: string[];
  /** The specs computed, written `kind:params`. */
  specs: string[];
  /** [ts, ...values] per closed bar, ascending; null while an indicator warms up. */
  rows: Array<[number, ...(number | null)[]]>;
}

/**
 * `ema:21,sma:50,macd:12:26:9` — validated again (ranges, counts) by the engine. An entry may be a
 * point-in-time series `ext:<source>:<series>` (feature `ext_<source>_<series>`).
 */
export const IndicatorSetSchema = z
  .string()
  .min(1)
  .max(500)
  .regex(
    /^(?:ext:[a-z0-9][a-z0-9_-]*:[a-z0-9_]+|[a-z_]+(:\d+(\.\d+)?)*)(,\s*(?:ext:[a-z0-9][a-z0-9_-]*:[a-z0-9_]+|[a-z_]+(:\d+(\.\d+)?)*))*$/i,
    'indicator set like ema:21,rsi:14,macd:12:26:9,ext:fng:value',
  );

export const indicatorsCommands = {
  'indicators.profiles': command<IndicatorProfileInfo[]>()('Feature profiles with their resolved indicators and feature names.', Empty),
  'indicators.series': command<IndicatorSeries>()(
    'Indicator values over stored closed candles for a feature profile or an indicator set (profile and set are exclusive; neither means full_v1).',
    z
      .object({
        source: SourceId,
        symbol: SymbolSchema,
        timeframe: TimeframeSchema,
        profile: z.string().min(1).max(64).optional(),
        set: IndicatorSetSchema.optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict()
      .refine((v) => !(v.profile !== undefined && v.set !== undefined), { message: 'give either profile or set, not both', path: ['set'] }),
  ),
} as const;
