/** A goal's daily snapshots as a line against its expected path (lightweight-charts). */
import { useEffect, useRef } from 'react';
import { LineSeries, LineStyle, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import { expectedAt, type GoalSnapshot, type GoalStatus } from '../../../../engine/api';
import { chartSurface, followTheme } from '../../theme/chart-theme';

const DAY = 86_400_000;

interface Point {
  time: UTCTimestamp;
  value: number;
}

/** Ascending, one point per second (lightweight-charts refuses duplicates). */
function series(points: Array<{ t: number; v: number }>): Point[] {
  const byTime = new Map<number, number>();
  for (const p of points) byTime.set(Math.floor(p.t / 1000), p.v);
  return [...byTime].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ time: t as UTCTimestamp, value: v }));
}

export function GoalChart({ history, status }: { history: GoalSnapshot[]; status: GoalStatus | undefined }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const actual = useRef<ISeriesApi<'Line'> | null>(null);
  const expected = useRef<ISeriesApi<'Line'> | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = createChart(el.current, {
      autoSize: true,
      ...chartSurface(),
      timeScale: { ...chartSurface().timeScale, timeVisible: true, secondsVisible: false },
    });
    expected.current = c.addSeries(LineSeries, { color: '#7d8590', lineStyle: LineStyle.Dashed, lineWidth: 1, title: 'expected', priceLineVisible: false });
    actual.current = c.addSeries(LineSeries, { color: '#4493f8', lineWidth: 2, title: 'actual', priceLineVisible: false });
    chart.current = c;
    const unfollow = followTheme(c);
    return () => {
      unfollow();
      chart.current = null;
      actual.current = null;
      expected.current = null;
      c.remove();
    };
  }, []);

  useEffect(() => {
    if (!actual.current || !expected.current) return;
    const pts = history.map((h) => ({ t: h.ts, a: h.current, e: h.expected }));
    if (status && (pts.length === 0 || status.asOf > pts[pts.length - 1]!.t)) pts.push({ t: status.asOf, a: status.current, e: status.expected });
    actual.current.setData(series(pts.map((p) => ({ t: p.t, v: p.a }))));
    // The expected path runs on, a point a day, to the period's end, where it meets the target.
    const exp = pts.map((p) => ({ t: p.t, v: p.e }));
    if (status) {
      const span = status.periodEnd - status.periodStart;
      for (let t = (pts[pts.length - 1]?.t ?? status.asOf) + DAY; t < status.periodEnd && span > 0; t += DAY) exp.push({ t, v: expectedAt(status.type, status.target, status.startEquity, (t - status.periodStart) / span) });
      exp.push({ t: status.periodEnd, v: status.target });
    }
    expected.current.setData(series(exp));
    chart.current?.timeScale().fitContent();
  }, [history, status]);

  const daily = history.filter((h) => h.kind === 'daily').length;
  return (
    <div className="goal-chart" data-testid="goal-chart" data-daily={daily} data-points={history.length}>
      <div className="goal-chart-legend muted">
        <span className="legend-actual">━ actual</span> <span className="legend-expected">┅ expected path</span> · {daily} daily snapshot{daily === 1 ? '' : 's'}
      </div>
      <div className="goal-chart-host" ref={el} />
    </div>
  );
}
