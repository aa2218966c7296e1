/**
 * Any stored series (funding, open interest, book figures, an HTTP JSON series) as a line in its
 * own pane under the chart, read through indicators.series with `ext:<source>:<series>`: each bar
 * shows the newest value published at or before its close (the point-in-time rule), so the pane
 * shows exactly what a strategy or an alert saw on that bar. The picker sits in the chart toolbar.
 */
import { useEffect, useState } from 'react';
import { LineSeries, LineType, type ISeriesApi, type SeriesType } from 'lightweight-charts';
import type { IndicatorSeries } from '../../../engine/api';
import { api } from '../api/client';
import { useSeries } from '../stores/series';
import type { OverlayProps } from '../views/ChartView';
import { nameLine } from './line-names';

const COLOR = '#f0b429';

export function SeriesPicker() {
  const list = useSeries((s) => s.list);
  const spec = useSeries((s) => s.chartSpec);
  const setSpec = useSeries((s) => s.setChartSpec);
  const refresh = useSeries((s) => s.refresh);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const specs = [...new Set(list.map((s) => s.spec))];
  if (spec && !specs.includes(spec)) specs.push(spec);
  return (
    <select aria-label="Series pane" title="Show a stored series (funding, open interest, book, HTTP JSON) in a pane" value={spec ?? ''} onChange={(e) => setSpec(e.target.value || null)} data-testid="series-pane-select">
      <option value="">Series pane: none</option>
      {specs.map((s) => (
        <option key={s} value={s}>
          {s.replace(/^ext:/, '').replace(':', ' · ')}
        </option>
      ))}
    </select>
  );
}

export function SeriesPane({ host, chartKey, candles }: OverlayProps) {
  const spec = useSeries((s) => s.chartSpec);
  const [status, setStatus] = useState<{ points: number; error: string | null; last: number | null }>({ points: 0, error: null, last: null });
  const lastCandleTs = candles[candles.length - 1]?.[0] ?? 0;
  const want = Math.min(Math.max(candles.length, 50), 5000);

  useEffect(() => {
    if (!host || !spec) return;
    const chart = host.chart;
    const pane = chart.panes().length;
    const series = chart.addSeries(LineSeries, { color: COLOR, lineWidth: 2, lineType: LineType.WithSteps, priceLineVisible: false, lastValueVisible: true, title: '', crosshairMarkerVisible: false, priceFormat: { type: 'price', precision: 6, minMove: 0.000001 } }, pane);
    chart.panes()[pane]?.setStretchFactor(0.3);
    nameLine(series as ISeriesApi<SeriesType>, spec.replace(/^ext:/, ''), COLOR);
    let cancelled = false;
    api
      .call('indicators.series', { source: chartKey.source, symbol: chartKey.symbol, timeframe: chartKey.timeframe, set: spec, limit: want })
      .then((s: IndicatorSeries) => {
        if (cancelled) return;
        const data = s.rows.filter((r) => typeof r[1] === 'number').map((r) => ({ time: (r[0] / 1000) as never, value: r[1] as number }));
        const top = Math.max(0, ...data.map((d) => Math.abs(d.value)));
        const precision = top >= 100 ? 2 : top >= 1 ? 3 : 6;
        series.applyOptions({ priceFormat: { type: 'price', precision, minMove: 10 ** -precision } });
        series.setData(data);
        setStatus({ points: data.length, error: null, last: data.length ? data[data.length - 1]!.value : null });
      })
      .catch((e: Error) => {
        if (!cancelled) setStatus({ points: 0, error: e.message, last: null });
      });
    return () => {
      cancelled = true;
      try {
        chart.removeSeries(series);
        const panes = chart.panes();
        for (let i = panes.length - 1; i >= 1; i--) if (panes[i]!.getSeries().length === 0) chart.removePane(i);
      } catch {
        // the chart is gone
      }
    };
    // A new bar reloads the pane (the newest value may have changed); `want` only sizes the request.
  }, [host, spec, chartKey.source, chartKey.symbol, chartKey.timeframe, lastCandleTs]);

  if (!spec) return null;
  return (
    <div className="series-pane-status muted" data-testid="series-pane" data-spec={spec} data-points={status.points} data-last={status.last ?? ''}>
      {status.error ? <span className="error">Series pane: {status.error}</span> : `${spec.replace(/^ext:/, '')}: ${status.points} bars with a value`}
    </div>
  );
}
