/**
 * Scrolling back loads older history on demand: when the left edge of the view comes within
 * LOAD_AHEAD bars of the oldest bar on the chart, the page before it is fetched (market.candles
 * with `before`), until everything stored is on the chart.
 */
import { useEffect } from 'react';
import type { IChartApi, LogicalRange } from 'lightweight-charts';
import { useChart } from '../stores/chart';

export const LOAD_AHEAD = 200;

export function useScrollBack(chart: IChartApi | null): void {
  useEffect(() => {
    if (!chart) return;
    const onRange = (r: LogicalRange | null) => {
      if (r && r.from < LOAD_AHEAD) void useChart.getState().loadOlder();
    };
    const ts = chart.timeScale();
    ts.subscribeVisibleLogicalRangeChange(onRange);
    return () => {
      try {
        ts.unsubscribeVisibleLogicalRangeChange(onRange);
      } catch {
        // The chart is already gone.
      }
    };
  }, [chart]);
}
