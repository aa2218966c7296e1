/** How goal figures read on screen: "3.1 %", "1,234.56 USDT", "×0.92", "0.31 % a day". */
import type { GoalStatus, GoalType } from '../../../../engine/api';

export const TYPE_LABEL: Record<GoalType, string> = { monthly_return: 'Monthly return', monthly_income: 'Monthly income', portfolio_value: 'Portfolio value' };

export function unitOf(type: GoalType, quote: string): string {
  return type === 'monthly_return' ? '% per month' : type === 'monthly_income' ? `${quote} per month` : `${quote} equity`;
}

export function money(v: number, type: GoalType, quote: string): string {
  if (type === 'monthly_return') return `${v.toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
  return `${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${quote}`;
}

export function remaining(s: GoalStatus, quote: string): string {
  const left = s.target - s.current;
  return left <= 0 ? 'target reached' : `${money(left, s.type, quote)} to go`;
}

export const pace = (p: number | null): string => (p === null ? '—' : `×${p.toFixed(2)}`);
export const required = (r: number | null): string => (r === null ? '—' : `${r.toFixed(2)} % a day`);
