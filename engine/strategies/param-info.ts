/**
 * What the channel editor needs to show a strategy's params as form fields: each param's type,
 * default, range and a one-line description, read from the strategy's own zod schema (JSON
 * Schema of its input), so a new param appears in the form with no renderer change.
 */
import { z } from 'zod';
import type { StrategyInfo, StrategyParamInfo } from '../api/commands/signals';
import { STRATEGIES, parseParams, type StrategyId } from './registry';

/** One line per param name (shared names mean the same thing in every strategy). */
const DESCRIPTIONS: Record<string, string> = {
  fast: 'Bars of the fast EMA (must be shorter than slow).',
  slow: 'Bars of the slow EMA.',
  atr: 'Bars of the ATR used to place the stop and target.',
  stopAtr: 'Stop distance from the entry, in ATRs.',
  rewardRisk: 'Target distance as a multiple of the stop distance (reward : risk).',
  period: 'Bars in the high/low the close must break.',
  volumePeriod: 'Bars of the average volume the breakout volume is compared with.',
  minVolumeRatio: 'Minimum volume as a multiple of its average.',
  rsi: 'Bars of the RSI.',
  macdFast: 'Bars of the MACD fast EMA.',
  macdSlow: 'Bars of the MACD slow EMA.',
  macdSignal: 'Bars of the MACD signal line.',
  trend: 'Bars of the trend EMA that sets the allowed direction.',
  rsiFloor: 'RSI must be above this for a long (below 100 − it for a short).',
  rsiCeiling: 'RSI above this is too stretched to buy (below 100 − it to sell).',
  bbPeriod: 'Bars of the Bollinger bands.',
  bbStdDev: 'Width of the Bollinger bands, in standard deviations.',
  oversold: 'RSI at or below this counts as oversold.',
  overbought: 'RSI at or above this counts as overbought.',
  funding: 'The funding series to read, as ext:<source>:funding (a ccxt source collecting funding).',
  threshold: 'Funding at or beyond ± this (a fraction per funding interval: 0.0005 = 0.05 %) counts as extreme.',
  ema: 'Bars of the EMA the close must be through to confirm.',
};

interface JsonProp {
  type?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  description?: string;
}

export function paramInfo(id: StrategyId): StrategyParamInfo[] {
  const schema = z.toJSONSchema(STRATEGIES[id].schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProp> };
  return Object.entries(schema.properties ?? {}).map(([name, p]) => ({
    name,
    type: p.type === 'integer' ? 'integer' : p.type === 'boolean' ? 'boolean' : p.enum ? 'enum' : p.type === 'string' ? 'string' : 'number',
    default: (p.default ?? null) as StrategyParamInfo['default'],
    min: p.minimum ?? p.exclusiveMinimum ?? null,
    max: p.maximum ?? p.exclusiveMaximum ?? null,
    minExclusive: p.exclusiveMinimum !== undefined,
    maxExclusive: p.exclusiveMaximum !== undefined,
    ...(p.enum ? { options: p.enum.map(String) } : {}),
    description: p.description ?? DESCRIPTIONS[name] ?? name,
  }));
}

/** A strategy as the contract describes it: summary, defaults and its params' form fields. */
export function strategyInfo(id: StrategyId): StrategyInfo {
  return { id, summary: STRATEGIES[id].summary, defaults: parseParams(id, {}), params: paramInfo(id) };
}
