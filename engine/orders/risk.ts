/**
 * The risk gate before every entry: max position notional, max open positions, max exposure per
 * symbol (% of equity), daily loss limit, and drawdown from the month's equity peak (pause new
 * entries at the limit, halve positions at 1.5×, close all at 2×). Orders that only reduce a
 * position pass. Every block becomes a SKIPPED intent with RISK_BLOCKED and the rule in words.
 */
import type { RiskLimits, RiskStage } from '../api/commands/orders';
import { D, type Dec } from './decimal';

export const DEFAULT_LIMITS: RiskLimits = {
  maxPositionNotional: '5000',
  maxOpenPositions: 10,
  maxSymbolExposurePct: 50,
  dailyLossLimitPct: 3,
  maxDrawdownPct: 5,
  signalSizing: { mode: 'riskPercent', value: '1' },
  protectiveDrawdownPct: 2,
  goalSizing: { enabled: true, min: 0.5, max: 1.3 },
  priceMoveTolerancePct: 0.3,
};

/**
 * The limits a new paper account starts with — what a careful trader would choose: one position
 * at most 20 % of the starting equity, signal sizing risking 0.5 % of equity to the stop.
 * Accounts created before keep what they have (their stored limits over DEFAULT_LIMITS).
 */
export function newPaperLimits(startingBalance: Dec): RiskLimits {
  return { ...DEFAULT_LIMITS, maxPositionNotional: D.of(D.roundTo(D.div(D.mul(startingBalance, '20'), '100'), '0.01')), signalSizing: { mode: 'riskPercent', value: '0.5' } };
}

export function stageFor(drawdownPct: number, limitPct: number): RiskStage {
  if (drawdownPct >= 2 * limitPct) return 'closed';
  if (drawdownPct >= 1.5 * limitPct) return 'reduced';
  if (drawdownPct >= limitPct) return 'paused';
  return 'normal';
}

export const pct = (part: Dec, whole: Dec): number => (D.isZero(whole) ? 0 : Number(D.div(D.mul(part, '100'), whole, 8)));

export interface GateInput {
  limits: RiskLimits;
  equity: Dec;
  drawdownPct: number;
  dailyPnlPct: number;
  /** Signed position qty before the order, and after. */
  qtyBefore: Dec;
  qtyAfter: Dec;
  price: Dec;
  openPositions: number;
}

export type GateResult = { ok: true } | { ok: false; rule: string; message: string };

export function riskGate(g: GateInput): GateResult {
  const increasing = D.gt(D.abs(g.qtyAfter), D.abs(g.qtyBefore)) || D.sign(g.qtyAfter) * D.sign(g.qtyBefore) < 0;
  if (!increasing) return { ok: true };
  const l = g.limits;
  const stage = stageFor(g.drawdownPct, l.maxDrawdownPct);
  if (stage !== 'normal') {
    return { ok: false, rule: 'drawdown', message: `drawdown ${g.drawdownPct.toFixed(2)}% from this month's peak reached the ${l.maxDrawdownPct}% limit: new entries are paused (${stage})` };
  }
  if (g.dailyPnlPct <= -l.dailyLossLimitPct) {
    return { ok: false, rule: 'dailyLoss', message: `today's loss ${(-g.dailyPnlPct).toFixed(2)}% reached the daily loss limit of ${l.dailyLossLimitPct}%` };
  }
  const notional = D.abs(D.mul(g.qtyAfter, g.price));
  if (D.gt(notional, l.maxPositionNotional)) {
    return { ok: false, rule: 'maxPositionNotional', message: `position notional ${D.roundTo(notional, '0.01')} would exceed the limit ${l.maxPositionNotional}` };
  }
  if (D.isZero(g.qtyBefore) && g.openPositions + 1 > l.maxOpenPositions) {
    return { ok: false, rule: 'maxOpenPositions', message: `${g.openPositions} positions are open; the limit is ${l.maxOpenPositions}` };
  }
  const exposure = pct(notional, g.equity);
  if (D.sign(g.equity) <= 0 || exposure > l.maxSymbolExposurePct) {
    return { ok: false, rule: 'maxSymbolExposure', message: `exposure on this symbol would be ${exposure.toFixed(1)}% of equity; the limit is ${l.maxSymbolExposurePct}%` };
  }
  return { ok: true };
}
