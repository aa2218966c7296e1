/**
 * Goal-aware sizing: the factor on the account's signal sizing, chosen by the first rule that
 * holds (protective 0.5×, well ahead 0.7×, ahead 0.85×, far behind 1.3×, behind 1.15×, else 1×),
 * then kept within the account's goalSizing {min, max}. Pure: the module gathers the inputs.
 */
import type { GoalSizingSetting, GoalStatus } from '../api/commands/goals';
import type { RiskStage } from '../api/commands/orders';
import { describeGoal } from './describe';

export interface SizingRuleInput {
  statuses: readonly GoalStatus[];
  stage: RiskStage;
  quote: string;
  /** Engine time: goals in their period's first 24 hours have no meaningful pace yet and are left out of the mean. */
  asOf?: number;
}
export interface RuleChoice {
  rule: number;
  factor: number;
  reason: string;
  counts: { achieved: number; onTrack: number; atRisk: number; behind: number };
  meanPace: number | null;
  portfolioProgressPct: number | null;
}

export const PROTECTIVE_PROGRESS_PCT = 90;

const DAY_MS = 86_400_000;

/**
 * The mean pace of the goals past their period's first 24 hours (like the status rule, a pace
 * measured against an expected value still near zero says nothing yet).
 */
export function meanPace(statuses: readonly GoalStatus[], asOf?: number): number | null {
  const paces = statuses
    .filter((s) => asOf === undefined || asOf - s.periodStart >= DAY_MS)
    .map((s) => s.pace)
    .filter((p): p is number => p !== null);
  return paces.length ? paces.reduce((a, b) => a + b, 0) / paces.length : null;
}

/** The highest progress of a portfolio_value goal (current ÷ target × 100), or null. */
export function portfolioProgress(statuses: readonly GoalStatus[]): number | null {
  const p = statuses.filter((s) => s.type === 'portfolio_value').map((s) => s.progressPct);
  return p.length ? Math.max(...p) : null;
}

const fmtPace = (p: number): string => p.toFixed(2);

export function chooseRule(i: SizingRuleInput): RuleChoice {
  const { statuses, quote } = i;
  const by = (w: GoalStatus['status']) => statuses.filter((s) => s.status === w);
  const achieved = by('achieved');
  const atRisk = by('at_risk');
  const behind = by('behind');
  const counts = { achieved: achieved.length, onTrack: by('on_track').length, atRisk: atRisk.length, behind: behind.length };
  const mp = meanPace(statuses, i.asOf);
  const pp = portfolioProgress(statuses);
  const base = { counts, meanPace: mp, portfolioProgressPct: pp };
  const near = statuses.find((s) => s.type === 'portfolio_value' && s.progressPct >= PROTECTIVE_PROGRESS_PCT);
  const names = (list: readonly GoalStatus[]) => list.map((s) => s.label.toLowerCase()).join(' and ');
  if (near) return { ...base, rule: 1, factor: 0.5, reason: `protective — ${near.label.toLowerCase()} at ${near.progressPct.toFixed(1)} % of its ${near.target.toLocaleString('en-US')} ${quote} target` };
  if (i.stage !== 'normal') return { ...base, rule: 1, factor: 0.5, reason: `protective — drawdown stage is ${i.stage}` };
  if (achieved.length >= 2) return { ...base, rule: 2, factor: 0.7, reason: `${achieved.length} goals achieved (${names(achieved)})` };
  if (mp !== null && mp > 1.1) return { ...base, rule: 2, factor: 0.7, reason: `mean pace ${fmtPace(mp)} is above 1.10 — well ahead of plan` };
  if (achieved.length === 1) return { ...base, rule: 3, factor: 0.85, reason: describeGoal(achieved[0]!, quote) };
  if (mp !== null && mp > 1.0) return { ...base, rule: 3, factor: 0.85, reason: `mean pace ${fmtPace(mp)} is above 1.00 — ahead of plan` };
  if (behind.length >= 2) return { ...base, rule: 4, factor: 1.3, reason: `${behind.length} goals behind (${names(behind)})` };
  if (mp !== null && mp < 0.7) return { ...base, rule: 4, factor: 1.3, reason: `mean pace ${fmtPace(mp)} is below 0.70 — far behind plan` };
  if (behind.length === 1) return { ...base, rule: 5, factor: 1.15, reason: describeGoal(behind[0]!, quote) };
  if (atRisk.length >= 2) return { ...base, rule: 5, factor: 1.15, reason: `${atRisk.length} goals at risk: ${atRisk.map((s) => describeGoal(s, quote)).join('; ')}` };
  if (statuses.length === 0) return { ...base, rule: 6, factor: 1, reason: 'no goals on this account' };
  return { ...base, rule: 6, factor: 1, reason: `goals on plan${mp !== null ? ` (mean pace ${fmtPace(mp)})` : ''}` };
}

/** The factor applied: the rule's, kept within [min, max]; 1× (rule 0) when goal sizing is off. */
export function applySetting(choice: RuleChoice, setting: GoalSizingSetting): { factor: number; rule: number; reason: string } {
  if (!setting.enabled) return { factor: 1, rule: 0, reason: 'goal sizing is off for this account' };
  const factor = Math.min(setting.max, Math.max(setting.min, choice.factor));
  const clamp = factor !== choice.factor ? ` (rule asks ×${choice.factor}, kept within ${setting.min}–${setting.max})` : '';
  return { factor, rule: choice.rule, reason: `${choice.reason}${clamp}` };
}
