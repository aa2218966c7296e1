/**
 * Series beyond candles (funding, open interest, book figures, HTTP JSON series): the stored
 * series with their last values, the cost summary per kind, and the one the chart shows in a pane.
 */
import { create } from 'zustand';
import type { SeriesCostSummary, SeriesInfo } from '../../../engine/api';
import { api } from '../api/client';

interface SeriesState {
  list: SeriesInfo[];
  costs: SeriesCostSummary[];
  error: string | null;
  /** The spec (`ext:<source>:<series>`) the chart shows in its own pane, or null. */
  chartSpec: string | null;
  refresh(): Promise<void>;
  setChartSpec(spec: string | null): void;
}

export const useSeries = create<SeriesState>((set) => ({
  list: [],
  costs: [],
  error: null,
  chartSpec: null,
  async refresh() {
    try {
      const [list, costs] = await Promise.all([api.call('market.series.list', {}), api.call('market.series.costs', {})]);
      set({ list, costs, error: null });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  setChartSpec(spec) {
    set({ chartSpec: spec });
  },
}));

/** "0.0420 %" for rates, "1,033.5 contracts", "42 index": a value with its unit. */
export function valueWithUnit(v: number | null, unit: string | null): string {
  if (v === null) return '—';
  if (unit === 'rate / interval') return `${(v * 100).toFixed(4)} % / interval`;
  const abs = Math.abs(v);
  const text = abs !== 0 && abs < 0.01 ? v.toPrecision(3) : v.toLocaleString('en-US', { maximumFractionDigits: abs < 10 ? 4 : 2 });
  return unit ? `${text} ${unit}` : text;
}
