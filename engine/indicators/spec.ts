/**
 * Indicator specs: parsing (`macd:12:26:9`), formatting, validation and feature names.
 * Feature names are the CLI's column names and the keys of `Features`.
 */
import { INDICATOR_KINDS, type IndicatorKind, type IndicatorSpec } from './types';

interface KindInfo {
  /** Parameter names, in spec order. */
  params: readonly string[];
  /** Defaults used when a spec is written without parameters (`rsi` → `rsi:14`). */
  defaults: readonly number[];
  /** Parameters that may be fractional (Bollinger's deviation multiplier). */
  fractional?: readonly number[];
  outputs(p: readonly number[]): string[];
}

const MAX_PERIOD = 5000;

const KINDS: Readonly<Record<IndicatorKind, KindInfo>> = {
  ema: { params: ['period'], defaults: [21], outputs: (p) => [`ema_${p[0]}`] },
  sma: { params: ['period'], defaults: [50], outputs: (p) => [`sma_${p[0]}`] },
  rsi: { params: ['period'], defaults: [14], outputs: (p) => [`rsi_${p[0]}`] },
  macd: {
    params: ['fast', 'slow', 'signal'],
    defaults: [12, 26, 9],
    outputs: (p) => {
      const s = p.join('_');
      return [`macd_${s}`, `macd_signal_${s}`, `macd_hist_${s}`];
    },
  },
  atr: { params: ['period'], defaults: [14], outputs: (p) => [`atr_${p[0]}`] },
  bb: {
    params: ['period', 'stddev'],
    defaults: [20, 2],
    fractional: [1],
    outputs: (p) => {
      const s = p.join('_');
      return [`bb_upper_${s}`, `bb_middle_${s}`, `bb_lower_${s}`];
    },
  },
  obv: { params: [], defaults: [], outputs: () => ['obv'] },
  vwap: { params: [], defaults: [], outputs: () => ['vwap'] },
  stoch: {
    params: ['period', 'signal'],
    defaults: [14, 3],
    outputs: (p) => [`stoch_k_${p.join('_')}`, `stoch_d_${p.join('_')}`],
  },
  adx: { params: ['period'], defaults: [14], outputs: (p) => [`adx_${p[0]}`, `pdi_${p[0]}`, `mdi_${p[0]}`] },
  volume_ratio: { params: ['period'], defaults: [20], outputs: (p) => [`volume_ratio_${p[0]}`] },
  sr: { params: ['strength'], defaults: [5], outputs: (p) => [`sr_support_${p[0]}`, `sr_resistance_${p[0]}`] },
};

/** A spec that cannot be used; the message names the problem. */
export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}

export function isIndicatorKind(k: string): k is IndicatorKind {
  return (INDICATOR_KINDS as readonly string[]).includes(k);
}

/** Checks a spec's parameter count and ranges; returns it with defaults filled in. */
export function normalizeSpec(spec: IndicatorSpec): IndicatorSpec {
  const info = KINDS[spec.kind];
  if (!info) throw new SpecError(`unknown indicator "${String(spec.kind)}" (known: ${INDICATOR_KINDS.join(', ')})`);
  const params = spec.params.length === 0 ? [...info.defaults] : [...spec.params];
  if (params.length !== info.params.length) {
    const want = info.params.length ? `${info.params.length} (${info.params.join(', ')})` : 'none';
    throw new SpecError(`${spec.kind}: expected ${want} parameters, got ${params.length}`);
  }
  params.forEach((v, i) => {
    const name = info.params[i];
    if (!Number.isFinite(v)) throw new SpecError(`${spec.kind}: ${name} must be a number`);
    if (info.fractional?.includes(i)) {
      if (v <= 0 || v > 100) throw new SpecError(`${spec.kind}: ${name} must be greater than 0 and at most 100`);
    } else if (!Number.isInteger(v) || v < 1 || v > MAX_PERIOD) {
      throw new SpecError(`${spec.kind}: ${name} must be a whole number from 1 to ${MAX_PERIOD}`);
    }
  });
  if (spec.kind === 'macd' && params[0]! >= params[1]!) throw new SpecError('macd: fast period must be shorter than slow period');
  return { kind: spec.kind, params };
}

/** Parses `macd:12:26:9`, `rsi:14`, `obv`, `rsi` (defaults). Throws SpecError naming the problem. */
export function parseSpec(text: string): IndicatorSpec {
  const t = text.trim();
  if (!t) throw new SpecError('empty indicator spec');
  const [kind, ...rest] = t.split(':');
  const k = kind!.toLowerCase();
  if (!isIndicatorKind(k)) throw new SpecError(`unknown indicator "${kind}" in "${t}" (known: ${INDICATOR_KINDS.join(', ')})`);
  const params = rest.map((p) => {
    if (!/^\d+(\.\d+)?$/.test(p)) throw new SpecError(`bad parameter "${p}" in "${t}": expected a positive number`);
    return Number(p);
  });
  try {
    return normalizeSpec({ kind: k, params });
  } catch (err) {
    throw new SpecError(`${(err as Error).message} in "${t}"`);
  }
}

/** Parses a comma-separated list: `ema:21,sma:50,rsi:14`. */
export function parseSpecList(text: string): IndicatorSpec[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.every((p) => p === '')) throw new SpecError('empty indicator set');
  return parts.map((p) => {
    if (!p) throw new SpecError(`empty entry in indicator set "${text}"`);
    return parseSpec(p);
  });
}

/** `macd:12:26:9`. */
export function formatSpec(spec: IndicatorSpec): string {
  return [spec.kind, ...spec.params].join(':');
}

/** Feature names one spec produces, e.g. macd:12:26:9 → macd_12_26_9, macd_signal_12_26_9, macd_hist_12_26_9. */
export function featureNames(spec: IndicatorSpec): string[] {
  const s = normalizeSpec(spec);
  return KINDS[s.kind].outputs(s.params);
}

/** Specs deduplicated by their written form, order kept. */
export function uniqueSpecs(specs: readonly IndicatorSpec[]): IndicatorSpec[] {
  const seen = new Set<string>();
  const out: IndicatorSpec[] = [];
  for (const raw of specs) {
    const s = normalizeSpec(raw);
    const key = formatSpec(s);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  return out;
}

/** Bars after which every output of the spec has a value (the same count technicalindicators needs). */
export function warmupBars(spec: IndicatorSpec): number {
  const { kind, params: p } = normalizeSpec(spec);
  switch (kind) {
    case 'ema':
    case 'sma':
    case 'volume_ratio':
    case 'bb':
      return p[0]!;
    case 'rsi':
    case 'atr':
      return p[0]! + 1;
    case 'macd':
      return p[1]! + p[2]! - 1;
    case 'stoch':
      return p[0]! + p[1]! - 1;
    case 'adx':
      return 2 * p[0]!;
    case 'obv':
      return 2;
    case 'vwap':
      return 1;
    case 'sr':
      return 2 * p[0]! + 1;
  }
}
