/** Equity (top pane) and drawdown from the running peak (bottom pane) of one run, with lightweight-charts. */
import { useEffect, useRef } from 'react';
import { AreaSeries, createChart, LineSeries, type UTCTimestamp } from 'lightweight-charts';
import type { EquityRow } from '../../../../engine/api';
import { chartSurface, followTheme } from '../../theme/chart-theme';

export function EquityChart({ equity }: { equity: EquityRow[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = createChart(el.current, {
      autoSize: true,
      ...chartSurface(),
      timeScale: { ...chartSurface().timeScale, timeVisible: true, secondsVisible: false },
    });
    // one point per second at most (the chart's time unit); the last value of a second wins
    const pts = new Map<number, number>();
    for (const [ts, v] of equity) pts.set(Math.floor(ts / 1000), v);
    const eq = [...pts].map(([t, v]) => ({ time: t as UTCTimestamp, value: v }));
    let peak = -Infinity;
    const dd = eq.map((p) => {
      peak = Math.max(peak, p.value);
      return { time: p.time, value: peak > 0 ? ((p.value - peak) / peak) * 100 : 0 };
    });
    c.addSeries(LineSeries, { color: '#4493f8', lineWidth: 2, title: 'equity' }).setData(eq);
    c.addSeries(AreaSeries, { lineColor: '#ef5350', topColor: 'rgba(239,83,80,0.05)', bottomColor: 'rgba(239,83,80,0.4)', lineWidth: 1, title: 'drawdown %' }, 1).setData(dd);
    c.panes()[1]?.setHeight(90);
    c.timeScale().fitContent();
    const unfollow = followTheme(c);
    return () => {
      unfollow();
      c.remove();
    };
  }, [equity]);
  return <div className="bt-chart" ref={el} data-testid="bt-equity-chart" />;
}
