import { useEffect, useRef, useState } from 'react';
import {
  CandlestickSeries,
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
import { SeriesPane, SeriesPicker } from '../chart/SeriesPane';
import { SignalsOverlay } from '../chart/SignalsOverlay';
import { ChartReadout } from '../chart/ChartReadout';
import { useScrollBack } from '../chart/scroll-back';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { ScaleProbe } from '../chart/ScaleProbe';
import { FirstRunHint } from '../components/DemoSpeed';
import { AlertLinesOverlay } from '../chart/AlertLinesOverlay';
import { WatchlistPanel } from '../watchlist/WatchlistPanel';
import { chartSurface, followTheme } from '../theme/chart-theme';

const UP = '#26a69a';
const DOWN = '#ef5350';
const toBar = (c: Ohlcv) => ({ time: (c[0] / 1000) as UTCTimestamp, open: c[1], high: c[2], low: c[3], close: c[4] });
const toVol = (c: Ohlcv) => ({
  time: (c[0] / 1000) as UTCTimestamp,
  value: c[5],
  color: c[4] >= c[1] ? 'rgba(38,166,154,0.45)' : 'rgba(239,83,80,0.45)',
});

/** The volume histogram's share of the price pane, at the bottom (a fifth at most). */
export const VOLUME_SHARE = 0.18;

/**
 * What a chart overlay receives: the chart, its candlestick series and the candles' own price
 * range (what the price scale follows), the shown key and candles.
 * Overlays add markers, price lines or series in other panes, and remove them on cleanup.
 */
export interface OverlayProps {
  host: { chart: IChartApi; price: ISeriesApi<'Candlestick'>; volume: ISeriesApi<'Histogram'>; candleRange: () => { minValue: number; maxValue: number } | null } | null;
  chartKey: ChartKey;
  candles: Ohlcv[];
}

export function ChartView() {
  const { source, symbol, timeframe, symbols, setSymbol, setTimeframe, info } = useApp();
  const { candles, live, liveSeq, loading, error, load, key, olderSeq, loadingOlder, complete } = useChart();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const price = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volume = useRef<ISeriesApi<'Histogram'> | null>(null);
  const [overlayHost, setOverlayHost] = useState<OverlayProps['host']>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = createChart(el.current, {
      autoSize: true,
      ...chartSurface(),
      timeScale: { ...chartSurface().timeScale, timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
    });
    // The price scale follows the candles: their autoscale range is kept for the overlays' lines,
    // which may widen it only by a small margin (IndicatorsOverlay).
    let candleRange: { minValue: number; maxValue: number } | null = null;
    price.current = c.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      borderVisible: false,
      wickUpColor: UP,
      wickDownColor: DOWN,
      autoscaleInfoProvider: (base: () => { priceRange: { minValue: number; maxValue: number } | null } | null) => {
        const r = base();
        candleRange = r?.priceRange ?? null;
        return r;
      },
    });
    // Volume on its own scale in the bottom fifth of the price pane, below the candles; no axis label.
    volume.current = c.addSeries(HistogramSeries, { priceScaleId: 'vol', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false, title: '' });
    c.priceScale('vol').applyOptions({ scaleMargins: { top: 1 - VOLUME_SHARE, bottom: 0 }, visible: false });
    price.current.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: VOLUME_SHARE + 0.04 } });
    chart.current = c;
    const unfollow = followTheme(c);
    setOverlayHost({ chart: c, price: price.current, volume: volume.current, candleRange: () => candleRange });
    return () => {
      unfollow();
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

  // Older bars put in front (scrolling back): the series get them in full; the view stays where it is.
  const drawnOlder = useRef(0);
  useEffect(() => {
    if (olderSeq === drawnOlder.current || !price.current || !volume.current || !chart.current) return;
    drawnOlder.current = olderSeq;
    const ts = chart.current.timeScale();
    const range = ts.getVisibleRange();
    price.current.setData(candles.map(toBar));
    volume.current.setData(candles.map(toVol));
    if (range) ts.setVisibleRange(range);
  }, [olderSeq, candles]);
  useScrollBack(overlayHost?.chart ?? null);

  // Keyboard: Home loads every stored bar and shows the oldest, End goes back to the newest.
  useKeyActions(
    'chart-scroll',
    [
      keyAction('chart.oldest', () => {
          const c = chart.current;
          if (!c) return;
          void (async () => {
            const key0 = useChart.getState().key;
            for (;;) {
              const st = useChart.getState();
              if (st.complete || st.key !== key0 || st.error) break;
              if (st.loadingOlder) await new Promise((r) => setTimeout(r, 50));
              else await st.loadOlder();
            }
            const range = c.timeScale().getVisibleLogicalRange();
            const width = range ? range.to - range.from : 200;
            c.timeScale().setVisibleLogicalRange({ from: 0, to: width });
          })();
      }),
      keyAction('chart.newest', () => chart.current?.timeScale().scrollToRealTime()),
    ],
    [],
  );

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
        <SeriesPicker />
        {simulated ? <span className="badge sim">SIMULATED</span> : <span className="muted" data-testid="chart-source" title="The source this chart shows">{src.label}</span>}
        {loading && <span className="muted">loading…</span>}
        {loadingOlder && <span className="muted" data-testid="loading-older">loading older bars…</span>}
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
          {/* [overlay-component: series pane] */}
          <SeriesPane host={overlayHost} chartKey={key} candles={candles} />
        </>
      )}
      <FirstRunHint />
      <ChartReadout host={overlayHost} candles={candles} decimals={decimalsOf(candles)} />
      {/* [watchlist: the panel beside the chart, W shows / hides it] */}
      <div className="chart-row">
      <div
        className="chart-host"
        ref={el}
        data-testid="chart"
        data-bars={candles.length}
        data-first-ts={candles[0]?.[0] ?? ''}
        data-complete={complete ? 'yes' : 'no'}
        data-last-ts={last?.[0] ?? ''}
        data-last-close={last?.[4] ?? ''}
        data-volume-share={VOLUME_SHARE}
      />
      <WatchlistPanel />
      </div>
      <ScaleProbe host={overlayHost} />
    </div>
  );
}

export function decimalsOf(rows: Ohlcv[]): number {
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
