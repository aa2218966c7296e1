/**
 * The crosshair readout above the chart: time, open / high / low / close, volume and the value of
 * every line under the cursor (the newest bar when the cursor is off the chart).
 */
import { useEffect, useState } from 'react';
import type { ISeriesApi, MouseEventParams, SeriesType, Time } from 'lightweight-charts';
import type { Ohlcv } from '../../../engine/api';
import type { OverlayProps } from '../views/ChartView';
import { lineName } from './line-names';

interface Reading {
  time: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  lines: Array<{ title: string; color: string; value: number }>;
}

const fmt = (v: number, d: number): string => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const vol = (v: number): string => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(2)}K` : v.toFixed(v < 10 ? 4 : 2));
const when = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export function ChartReadout({ host, candles, decimals }: { host: OverlayProps['host']; candles: Ohlcv[]; decimals: number }) {
  const [hover, setHover] = useState<Reading | null>(null);
  useEffect(() => {
    if (!host) return;
    const move = (p: MouseEventParams<Time>) => {
      const bar = p.seriesData.get(host.price as ISeriesApi<SeriesType>) as { open?: number; high?: number; low?: number; close?: number } | undefined;
      if (p.time === undefined || !bar || bar.close === undefined) {
        setHover(null);
        return;
      }
      const volume = p.seriesData.get(host.volume as ISeriesApi<SeriesType>) as { value?: number } | undefined;
      const lines: Reading['lines'] = [];
      for (const [series, d] of p.seriesData) {
        if (series === (host.price as ISeriesApi<SeriesType>) || series === (host.volume as ISeriesApi<SeriesType>)) continue;
        const value = (d as { value?: number }).value;
        const n = lineName(series);
        if (typeof value === 'number' && n) lines.push({ title: n.title, color: n.color, value });
      }
      setHover({ time: (p.time as number) * 1000, o: bar.open ?? bar.close, h: bar.high ?? bar.close, l: bar.low ?? bar.close, c: bar.close, v: volume?.value ?? 0, lines });
    };
    host.chart.subscribeCrosshairMove(move);
    return () => {
      try {
        host.chart.unsubscribeCrosshairMove(move);
      } catch {
        // The chart is already gone.
      }
    };
  }, [host]);

  const last = candles[candles.length - 1];
  const r: Reading | null = hover ?? (last ? { time: last[0], o: last[1], h: last[2], l: last[3], c: last[4], v: last[5], lines: [] } : null);
  if (!r) return <div className="chart-readout" data-testid="chart-readout" />;
  const up = r.c >= r.o;
  return (
    <div className="chart-readout" data-testid="chart-readout" data-hover={hover ? 'yes' : 'no'} data-time={r.time}>
      <span className="muted">{when(r.time)}</span>
      <span>O <b className={up ? 'up' : 'down'}>{fmt(r.o, decimals)}</b></span>
      <span>H <b className={up ? 'up' : 'down'}>{fmt(r.h, decimals)}</b></span>
      <span>L <b className={up ? 'up' : 'down'}>{fmt(r.l, decimals)}</b></span>
      <span>C <b className={up ? 'up' : 'down'}>{fmt(r.c, decimals)}</b></span>
      <span>Vol <b>{vol(r.v)}</b></span>
      {r.lines.map((x) => (
        <span key={x.title} data-testid="readout-line">
          <span style={{ color: x.color }}>{x.title}</span> <b>{fmt(x.value, x.value < 10 && decimals < 2 ? 2 : decimals)}</b>
        </span>
      ))}
    </div>
  );
}
