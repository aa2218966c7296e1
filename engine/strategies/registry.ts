/**
 * The strategy registry: a static map from id to definition (no file-system scanning). Live
 * signals and backtests load strategies through `getStrategy` / `parseParams`.
 */
import { z } from 'zod';
import { ApiError } from '../api/errors';
import type { StrategyDef } from './types';
import { emaCross } from './ema-cross';
import { momentum } from './momentum';
import { breakout } from './breakout';
import { meanReversion } from './mean-reversion';
import { scalping } from './scalping';
import { fundingFade } from './funding-fade';

export const STRATEGY_IDS = ['ema_cross', 'momentum', 'breakout', 'mean_reversion', 'scalping', 'funding_fade'] as const;
export type StrategyId = (typeof STRATEGY_IDS)[number];

// Each definition is typed on its own params; the map erases them (params are parsed by the
// same definition's schema before they reach its evaluate()).
export const STRATEGIES: Readonly<Record<StrategyId, StrategyDef>> = {
  ema_cross: emaCross as unknown as StrategyDef,
  momentum: momentum as unknown as StrategyDef,
  breakout: breakout as unknown as StrategyDef,
  mean_reversion: meanReversion as unknown as StrategyDef,
  scalping: scalping as unknown as StrategyDef,
  funding_fade: fundingFade as unknown as StrategyDef,
};

export function isStrategyId(id: string): id is StrategyId {
  return Object.prototype.hasOwnProperty.call(STRATEGIES, id);
}

export function getStrategy(id: string): StrategyDef {
  if (!isStrategyId(id)) throw new ApiError('BAD_INPUT', `Unknown strategy: ${id} (known: ${STRATEGY_IDS.join(', ')})`, { strategy: id });
  return STRATEGIES[id];
}

/** Validates params against the strategy's schema and fills defaults; a clear BAD_INPUT otherwise. */
export function parseParams(id: string, params: unknown): Record<string, unknown> {
  const def = getStrategy(id);
  const r = def.schema.safeParse(params ?? {});
  if (!r.success) {
    throw new ApiError('BAD_INPUT', `Invalid params for ${id}: ${z.prettifyError(r.error).replace(/\n/g, '; ')}`, { strategy: id, issues: r.error.issues });
  }
  return r.data;
}

/** Canonical key of a strategy with its (parsed) params: same key ⇒ same decisions. */
export function strategyKey(id: string, params: Record<string, unknown>): string {
  const keys = Object.keys(params).sort();
  return `${id}:${JSON.stringify(keys.map((k) => [k, params[k]]))}`;
}
