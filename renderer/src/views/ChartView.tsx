import { useEffect, useRef, useState } from 'react';
import {
  CandlestickSeries,
  ColorType,
  createChart,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { TIMEFRAMES, type Ohlcv } from '../../../engine/api';
import { useApp } from '../stores/app';
import { useChart, type ChartKey } from '../stores/chart';
import { useSourceLabel } from '../stores/sources';
import { OrdersOverlay } from '../chart/OrdersOverlay';
import { IndicatorsOverlay } from '../chart/IndicatorsOverlay';
import { SignalsOverlay } from '../chart/SignalsOverlay';
import { AlertLinesOverlay } from '../chart/AlertLinesOverlay';

const UP = '#26a69a';
const DOWN = '#ef5350';
const toBar = (c: Ohlcv) => ({ time: (c[0] / 1000) as UTCTimestamp, open: c[1], high: c[2], low: c[3], close: c[4] });
const toVol = (c: Ohlcv) => ({
  time: (c[0] / 1000) as UTCTimestamp,
  value: c[5],
  color: c[4] >= c[1] ? 'rgba(38,166,154,0.45)' : 'rgba(239,83,80,0.45)',
});

/**
 * What a chart overlay receives: the chart, its candlestick series, the shown key and candles.
 * Overlays add markers, price lines or series in other panes, and remove them on cleanup.
 */
export interface OverlayProps {
  host: { chart: IChartApi; price: ISeriesApi<'Candlestick'> } | null;
  chartKey: ChartKey;
  candles: Ohlcv[];
}

export function ChartView() {
  const { source, symbol, timeframe, symbols, setSymbol, setTimeframe, info } = useApp();
  const { candles, live, liveSeq, loading, error, load, key } = useChart();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const price = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volume = useRef<ISeriesApi<'Histogram'> | null>(null);
  const [overlayHost, setOverlayHost] = useState<OverlayProps['host']>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = createChart(el.current, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: '#0e1116' }, textColor: '#c9d1d9', attributionLogo: false },
      grid: { vertLines: { color: '#1b2129' }, horzLines: { color: '#1b2129' } },
      rightPriceScale: { borderColor: '#2a313c' },
      timeScale: { borderColor: '#2a313c', timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
    });
    price.current = c.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      borderVisible: false,
      wickUpColor: UP,
      wickDownColor: DOWN,
    });
    volume.current = c.addSeries(HistogramSeries, { priceScaleId: 'vol', priceFormat: { type: 'volume' } });
    c.priceScale('vol').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    price.current.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
    chart.current = c;
    setOverlayHost({ chart: c, price: price.current });
    return () => {
      setOverlayHost(null);
      chart.current = null;
      // React unmounts this view before its overlays' cleanups run; they still remove their series
      // and panes from this chart, so it is disposed after them (disposing first makes
      // lightweight-charts resize a disposed canvas: "Object is disposed").
      setTimeout(() => c.remove(), 0);
    };
  }, []);

  useEffect(() => {
    void load({ source, symbol, timeframe });
  }, [source, symbol, timeframe, load]);

  // Full data only when the series identity changes (load finished); live bars use update().
  const loadedFor = useRef<string>('');
  useEffect(() => {
    if (loading || !key || !price.current || !volume.current) return;
    const id = `${key.source}|${key.symbol}|${key.timeframe}`;
    if (loadedFor.current === id) return;
    loadedFor.current = id;
    price.current.setData(candles.map(toBar));
    volume.current.setData(candles.map(toVol));
    const precision = decimalsOf(candles);
    price.current.applyOptions({ priceFormat: { type: 'price', precision, minMove: 10 ** -precision } });
    chart.current?.timeScale().scrollToRealTime();
  }, [loading, key, candles]);

  useEffect(() => {
    if (!live || !price.current || !volume.current || loading) return;
    price.current.update(toBar(live));
    volume.current.update(toVol(live));
  }, [liveSeq, live, loading]);

  const last = candles[candles.length - 1];
  const src = useSourceLabel(source, info?.sources.find((s) => s.id === source));
  const simulated = src.simulated;
  return (
    <div className="chart-view">
      <div className="toolbar" role="toolbar" aria-label="Chart controls">
        <select aria-label="Symbol" value={symbol} onChange={(e) => setSymbol(e.target.value)} data-testid="symbol-select">
          {symbols.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <div className="tf-group" role="group" aria-label="Timeframe">
          {TIMEFRAMES.map((tf) => (
            <button key={tf} className={tf === timeframe ? 'active' : ''} aria-pressed={tf === timeframe} onClick={() => setTimeframe(tf)} data-testid={`tf-${tf}`}>
              {tf}
            </button>
          ))}
        </div>
        {last && (
          <span className="last-price" data-testid="last-price">
            {symbol} {formatPrice(last[4], decimalsOf(candles))}{' '}
            <span className={last[4] >= last[1] ? 'up' : 'down'}>{pct(last[4], last[1])}</span>
          </span>
        )}
        {simulated ? <span className="badge sim">SIMULATED</span> : <span className="muted" data-testid="chart-source" title="The source this chart shows">{src.label}</span>}
        {loading && <span className="muted">loading…</span>}
        {error && <span className="error">{error}</span>}
      </div>
      {/* Overlays draw on the same chart: each is a component with effects and no DOM of its own. */}
      {overlayHost && key && !loading && (
        <>
          {/* [overlay-component: indicators] */}
          <IndicatorsOverlay host={overlayHost} chartKey={key} candles={candles} />
          {/* [overlay-component: signals] */}
          <SignalsOverlay host={overlayHost} chartKey={key} candles={candles} />
          {/* [overlay-component: orders] */}
          <OrdersOverlay host={overlayHost} chartKey={key} candles={candles} />
          {/* [overlay-component: alerts] */}
          <AlertLinesOverlay host={overlayHost} chartKey={key} candles={candles} />
        </>
      )}
      <div className="chart-host" ref={el} data-testid="chart" data-bars={candles.length} data-last-ts={last?.[0] ?? ''} data-last-close={last?.[4] ?? ''} />
    </div>
  );
}

function decimalsOf(rows: Ohlcv[]): number {
  let d = 2;
  for (let i = Math.max(0, rows.length - 50); i < rows.length; i++) {
    const r = rows[i];
    if (!r) continue;
    for (const v of [r[1], r[4]]) {
      const s = String(v);
      const dot = s.indexOf('.');
      if (dot >= 0) d = Math.max(d, Math.min(8, s.length - dot - 1));
    }
  }
  return d;
}
function formatPrice(v: number, decimals: number): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
function pct(close: number, open: number): string {
  const p = ((close - open) / open) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(2)}%`;
}
