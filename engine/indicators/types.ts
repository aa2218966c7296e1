/**
 * The indicator engine's public shapes. Strategies and the signal pipeline code against
 * these; engine/indicators implements them. Feature names are the CLI's column names:
 * `ema_21`, `sma_50`, `rsi_14`, `macd_12_26_9`, `macd_signal_12_26_9`, `macd_hist_12_26_9`,
 * `atr_14`, `bb_upper_20_2`, `bb_middle_20_2`, `bb_lower_20_2`, `obv`, `vwap`,
 * `stoch_k_14_3`, `stoch_d_14_3`, `adx_14`, `pdi_14`, `mdi_14`, `volume_ratio_20`,
 * `sr_support_5`, `sr_resistance_5` (nearest swing-pivot levels below / above the close).
 */

/** One closed bar, as floats (indicators may use floats; money may not). */
export interface Bar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Bars as columns: one Float64Array per field, all of `length` (the batch path's input). */
export interface BarColumns {
  readonly length: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export const INDICATOR_KINDS = ['ema', 'sma', 'rsi', 'macd', 'atr', 'bb', 'obv', 'vwap', 'stoch', 'adx', 'volume_ratio', 'sr'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** An indicator with its parameters, e.g. {kind: 'macd', params: [12, 26, 9]}. Written `macd:12:26:9`. */
export interface IndicatorSpec {
  kind: IndicatorKind;
  params: number[];
}

/** Feature values after a bar; a name is absent (undefined) while its indicator warms up. */
export type Features = Readonly<Record<string, number | undefined>>;

/**
 * Incremental state for one (source, symbol, timeframe) and a set of indicators: each closed
 * bar updates every indicator in O(1) from kept state, never recomputing the history.
 */
export interface FeatureEngine {
  readonly specs: readonly IndicatorSpec[];
  /** Feature names this engine produces, in a stable order. */
  readonly names: readonly string[];
  /** Applies one closed bar and returns the features after it. */
  update(bar: Bar): Features;
  /** Features after the last bar, or an empty object before any. */
  current(): Features;
  /** Bars applied so far. */
  readonly bars: number;
  /** True once every indicator has produced a value. */
  ready(): boolean;
}

/** A named indicator set with parameters, selectable per signal channel. */
export interface FeatureProfile {
  name: string;
  summary: string;
  /** Another profile whose indicators this one includes. */
  extends?: string;
  indicators: IndicatorSpec[];
}
