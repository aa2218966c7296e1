/**
 * Helpers shared by the strategies: feature names (the indicator engine's column names),
 * ATR-based levels, confidence clamping and readable number formatting for reasons.
 */
import { z } from 'zod';
import type { Bar, Features, IndicatorSpec } from '../indicators/types';
import type { DecisionSink, StrategyDecision } from './types';
import { priceTick, roundToTick } from '../api/ticks';

/** Feature name of an indicator output, e.g. f('ema', 21) → 'ema_21', f('bb_upper', 20, 2) → 'bb_upper_20_2'. */
export function f(name: string, ...params: number[]): string {
  return params.length ? `${name}_${params.join('_')}` : name;
}

export function spec(kind: IndicatorSpec['kind'], ...params: number[]): IndicatorSpec {
  return { kind, params };
}

/**
 * The feature names a strategy reads, built once per parameter object and reused while the same
 * object comes back: `evaluate` runs on every closed bar (a backtest's hot loop), where building
 * the same strings again on every call would cost more than the decision itself.
 */
export function namesFor<P extends object, N>(build: (p: P) => N): (p: P) => N {
  let lastP: P | null = null;
  let last: N | null = null;
  return (p) => {
    if (p !== lastP) {
      last = build(p);
      lastP = p;
    }
    return last!;
  };
}

/** A feature value, or undefined when missing / not finite (still warming up). */
export function num(features: Features | null | undefined, name: string): number | undefined {
  const v = features?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** min(1, max(0, x)): a component of a confidence formula that saturates at 1. */
export const sat = (x: number): number => clamp01(x);

/** Price formatted for reasons: thousands separators, decimals by magnitude (3,247.50 · 0.5123 · 0.00001234). */
export function px(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const d = a >= 1000 ? 2 : a >= 1 ? Math.min(4, Math.max(2, 4 - Math.floor(Math.log10(a)))) : a >= 0.01 ? 4 : 8;
  // toFixed + separators by hand: Intl formatting costs microseconds per call on the hot path.
  let s = a.toFixed(d);
  if (d > 2) s = s.replace(/(\.\d\d\d*?)0+$/, '$1');
  const dot = s.indexOf('.');
  const int = dot < 0 ? s : s.slice(0, dot);
  const grouped = int.length > 3 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int;
  return (v < 0 ? '-' : '') + grouped + (dot < 0 ? '' : s.slice(dot));
}
export const n1 = (v: number): string => v.toFixed(1);
export const n2 = (v: number): string => v.toFixed(2);

/** Parameters every strategy shares: ATR period, stop distance in ATRs and reward/risk of the target. */
export const riskParams = {
  atr: z.number().int().min(2).max(200).default(14),
  stopAtr: z.number().gt(0).max(20).default(1.5),
  rewardRisk: z.number().gt(0).max(20).default(2),
};

/**
 * Stop `stopAtr` ATRs away from the entry, target `rewardRisk` times that distance the other way,
 * both rounded to the market's tick (engine/api/ticks: the price's magnitude), so a signal never
 * carries a price like 102.18989051357224.
 */
export function levels(side: 'buy' | 'sell', entry: number, atr: number, stopAtr: number, rewardRisk: number): { stopLoss: number; takeProfit: number } {
  const risk = atr * stopAtr;
  const tick = priceTick(entry);
  const buy = side === 'buy';
  const stopLoss = buy ? entry - risk : entry + risk;
  const takeProfit = buy ? entry + risk * rewardRisk : entry - risk * rewardRisk;
  return { stopLoss: roundToTick(stopLoss, tick), takeProfit: roundToTick(takeProfit, tick) };
}

/** A decision's confidence as published: clamped to 0..1, three decimals. */
export const roundConfidence = (c: number): number => Math.round(clamp01(c) * 1000) / 1000;

/** A finite number (not NaN, not ±Infinity): what `num()` accepts from a features object. */
export const finite = (v: number): boolean => v - v === 0;

/**
 * The test a decision must pass to become a signal, live (engine/signals/module.ts) and in a
 * backtest (engine/backtest/decide.ts) alike: finite entry, stop, target and confidence, and a
 * positive entry.
 */
export function usableDecision(d: { entry: number; stopLoss: number; takeProfit: number; confidence: number }): boolean {
  return finite(d.entry) && finite(d.stopLoss) && finite(d.takeProfit) && finite(d.confidence) && d.entry > 0;
}

/**
 * `decision()` for the columnar path (StrategyDef.decideColumns): the same guard, the same
 * levels and the same confidence rounding, handed to `emit` instead of built into an object.
 */
export function emitDecision(
  emit: DecisionSink,
  i: number,
  side: 'buy' | 'sell',
  close: number,
  atr: number,
  p: { stopAtr: number; rewardRisk: number },
  confidence: number,
): void {
  if (!(atr > 0) || !Number.isFinite(close)) return;
  const { stopLoss, takeProfit } = levels(side, close, atr, p.stopAtr, p.rewardRisk);
  emit(i, side, stopLoss, takeProfit, roundConfidence(confidence));
}

/**
 * A decision with levels from `levels()`. Reasons given as a function are written when first
 * read (then kept):
 * a backtest evaluates every bar and reads only the side, levels and confidence, and formatting
 * prices is most of a decision's cost. `reasons` must only read values fixed at the decision
 * (locals, the bar), never a features object, so they read the same whenever they are built.
 */
export function decision(
  side: 'buy' | 'sell',
  bar: Bar,
  atr: number,
  p: { stopAtr: number; rewardRisk: number },
  confidence: number,
  reasons: string[] | (() => string[]),
): StrategyDecision | null {
  if (!(atr > 0) || !Number.isFinite(bar.close)) return null;
  const { stopLoss, takeProfit } = levels(side, bar.close, atr, p.stopAtr, p.rewardRisk);
  let text: string[] | null = null;
  return {
    side,
    entry: bar.close,
    stopLoss,
    takeProfit,
    confidence: roundConfidence(confidence),
    get reasons(): string[] {
      if (!text) {
        text = typeof reasons === 'function' ? reasons() : reasons;
        text.push(`Stop ${px(stopLoss)} (${p.stopAtr}× ATR ${px(atr)}), target ${px(takeProfit)} (${p.rewardRisk}:1 reward/risk)`);
      }
      return text;
    },
  };
}
