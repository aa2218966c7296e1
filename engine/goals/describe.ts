/** Readable words for goal figures: "monthly return at risk — 3.1 % of 10 % with 45 % of the month gone". */
import type { GoalStatus, GoalStatusWord } from '../api/commands/goals';
import { elapsedFraction } from './status';

export const STATUS_WORDS: Record<GoalStatusWord, string> = { achieved: 'achieved', on_track: 'on track', at_risk: 'at risk', behind: 'behind' };

function num(x: number, digits: number): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function figure(s: Pick<GoalStatus, 'type'>, v: number, quote: string): string {
  if (s.type === 'monthly_return') return `${num(v, 1)} %`;
  return `${num(v, 0)} ${quote}`;
}

export function describeGoal(s: GoalStatus, quote: string): string {
  const gone = Math.round(elapsedFraction(s.periodStart, s.periodEnd, s.asOf) * 100);
  const period = s.type === 'portfolio_value' ? 'the period' : 'the month';
  return `${s.label.toLowerCase()} ${STATUS_WORDS[s.status]} — ${figure(s, s.current, quote)} of ${figure(s, s.target, quote)} with ${gone} % of ${period} gone`;
}
