/** Words and numbers of the Strategies view. */
import type { StrategyChannelRow, StrategyRankMetric } from '../../../../engine/api';

export const METRIC_LABELS: Record<StrategyRankMetric, string> = {
  expectancyPct: 'Expectancy',
  winRate: 'Win rate',
  profitFactor: 'Profit factor',
  signalsPerDay: 'Signals per day',
  avgOutcomePct: 'Average outcome',
  outcomes: 'Tracked outcomes',
  backtestReturnPct: 'Backtest return',
};

export const dash = '—';
export const pct = (v: number | null, digits = 2): string => (v === null ? dash : `${v >= 0 ? '+' : ''}${v.toFixed(digits)} %`);
export const ratio = (v: number | null): string => (v === null ? dash : `${(v * 100).toFixed(0)} %`);
export const num = (v: number | null, digits = 2): string => (v === null ? dash : v.toFixed(digits));
export const tone = (v: number | null): string => (v === null ? '' : v > 0 ? 'up' : v < 0 ? 'down' : '');

/** "fast 9 · slow 21 · atr 14" — only the params that differ from the defaults when `defaults` is given. */
export function paramsText(params: Record<string, unknown>, defaults?: Record<string, unknown>): string {
  const parts = Object.entries(params)
    .filter(([k, v]) => !defaults || defaults[k] !== v)
    .map(([k, v]) => `${k} ${String(v)}`);
  return parts.length ? parts.join(' · ') : defaults ? 'defaults' : dash;
}

export function symbolsText(r: Pick<StrategyChannelRow, 'symbols'>): string {
  const s = r.symbols;
  if ('discovered' in s) return `all of ${s.source}`;
  return s.symbols.length > 3 ? `${s.symbols.length} symbols on ${s.source}` : `${s.symbols.join(', ')} on ${s.source}`;
}
