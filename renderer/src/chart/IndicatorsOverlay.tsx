/**
 * Indicator overlays chosen from a feature profile: moving averages, Bollinger Bands, VWAP and
 * swing support/resistance on the price pane; RSI (with Stochastic), MACD and volume ratio in
 * panes below (lightweight-charts v5 panes). The profile picker sits in the chart toolbar.
 * Values come from indicators.series (computed by the engine over stored closed candles); when a
 * bar closes, the newest rows are fetched again and drawn with series.update().
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import {
  HistogramSeries,
  LineSeries,
  LineStyle,
  LineType,
  type IChartApi,
  type ISeriesApi,
  type SeriesType,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { IndicatorSeries } from '../../../engine/api';
import { api } from '../api/client';
import { FULL_PROFILE, LIGHT_PROFILE, NO_PROFILE, useIndicators } from '../stores/indicators';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import type { OverlayProps } from '../views/ChartView';
import { columnPoints, resetsBetween } from './line-points';
import { nameLine } from './line-names';

/** How far (share of the candles' range) a line on the price pane may extend the price scale. */
export const INDICATOR_SCALE_MARGIN = 0.05;

type PaneId = 'price' | 'osc' | 'macd' | 'vol';
interface Style {
  pane: PaneId;
  kind: 'line' | 'hist';
  color: string;
  title: string;
  style?: LineStyle;
  steps?: boolean;
  width?: 1 | 2;
}

const EMA_COLORS = ['#f2cc60', '#4493f8', '#c678dd', '#56d4dd'];
const SMA_COLORS = ['#e8916b', '#98c379', '#d2a8ff'];
const PANE_ORDER: PaneId[] = ['osc', 'macd', 'vol'];
/** Each pane below the price pane gets this share relative to the price pane's 1. */
const SUB_PANE_STRETCH = 0.24;

/** How a feature is drawn, or null when it is not drawn (ATR, OBV, ADX stay in the data). */
export function styleFor(name: string, all: readonly string[]): Style | null {
  let m: RegExpMatchArray | null;
  if ((m = name.match(/^ema_(\d+)$/))) {
    const i = all.filter((n) => n.startsWith('ema_')).indexOf(name);
    return { pane: 'price', kind: 'line', color: EMA_COLORS[i % EMA_COLORS.length]!, title: `EMA ${m[1]}` };
  }
  if ((m = name.match(/^sma_(\d+)$/))) {
    const i = all.filter((n) => n.startsWith('sma_')).indexOf(name);
    return { pane: 'price', kind: 'line', color: SMA_COLORS[i % SMA_COLORS.length]!, title: `SMA ${m[1]}`, style: LineStyle.LargeDashed };
  }
  if ((m = name.match(/^bb_(upper|middle|lower)_(.+)$/))) {
    return {
      pane: 'price',
      kind: 'line',
      color: m[1] === 'middle' ? 'rgba(125,133,144,0.8)' : 'rgba(120,160,220,0.75)',
      title: m[1] === 'middle' ? '' : `BB ${m[1] === 'upper' ? '↑' : '↓'}`,
      style: m[1] === 'middle' ? LineStyle.Dotted : LineStyle.Solid,
      width: 1,
    };
  }
  if (name === 'vwap') return { pane: 'price', kind: 'line', color: '#ff9f43', title: 'VWAP', style: LineStyle.Dotted };
  if ((m = name.match(/^sr_(support|resistance)_/))) {
    return { pane: 'price', kind: 'line', color: m[1] === 'support' ? 'rgba(38,166,154,0.5)' : 'rgba(239,83,80,0.5)', title: '', steps: true, style: LineStyle.Dashed, width: 1 };
  }
  if ((m = name.match(/^rsi_(\d+)$/))) return { pane: 'osc', kind: 'line', color: '#d2a8ff', title: `RSI ${m[1]}` };
  if ((m = name.match(/^stoch_(k|d)_/))) return { pane: 'osc', kind: 'line', color: m[1] === 'k' ? '#56d4dd' : '#e8916b', title: `%${m[1]!.toUpperCase()}`, width: 1 };
  if (name.startsWith('macd_hist_')) return { pane: 'macd', kind: 'hist', color: '#26a69a', title: '' };
  if (name.startsWith('macd_signal_')) return { pane: 'macd', kind: 'line', color: '#e8916b', title: 'Signal', width: 1 };
  if (name.startsWith('macd_')) return { pane: 'macd', kind: 'line', color: '#4493f8', title: 'MACD', width: 1 };
  if ((m = name.match(/^volume_ratio_(\d+)$/))) return { pane: 'vol', kind: 'hist', color: '#d29922', title: `Vol ×avg ${m[1]}` };
  return null;
}

type Drawn = { name: string; col: number; style: Style; series: ISeriesApi<'Line'> | ISeriesApi<'Histogram'>; lastTs: number | null };

function point(style: Style, time: UTCTimestamp, value: number) {
  if (style.kind !== 'hist') return { time, value };
  if (style.pane === 'macd') return { time, value, color: value >= 0 ? 'rgba(38,166,154,0.6)' : 'rgba(239,83,80,0.6)' };
  return { time, value, color: value >= 1.5 ? 'rgba(210,153,34,0.9)' : 'rgba(125,133,144,0.5)' };
}

/** A readout name for lines drawn without a title (BB middle, support / resistance, MACD histogram). */
function readoutTitle(name: string): string {
  if (name.startsWith('bb_middle_')) return 'BB mid';
  if (name.startsWith('sr_support_')) return 'Support';
  if (name.startsWith('sr_resistance_')) return 'Resist.';
  if (name.startsWith('macd_hist_')) return 'MACD hist';
  return name;
}

/** The request for a profile: the chart's light profile is an indicator set, the others are engine profiles. */
function which(name: string, specs: string[]): { profile: string } | { set: string } {
  return name === LIGHT_PROFILE ? { set: specs.join(',') } : { profile: name };
}

type Range = { minValue: number; maxValue: number };
type AutoscaleBase = () => { priceRange: Range | null; margins?: unknown } | null;

/**
 * An autoscale provider that lets a line on the price pane widen the scale by at most
 * INDICATOR_SCALE_MARGIN of the candles' range: the candles stay readable when a line is far away.
 */
export function clampToCandles(candles: () => Range | null) {
  return (base: AutoscaleBase) => {
    const own = base();
    const c = candles();
    if (!own?.priceRange || !c) return null;
    const m = (c.maxValue - c.minValue) * INDICATOR_SCALE_MARGIN;
    const minValue = Math.max(own.priceRange.minValue, c.minValue - m);
    const maxValue = Math.min(own.priceRange.maxValue, c.maxValue + m);
    return minValue <= maxValue ? { priceRange: { minValue, maxValue } } : null;
  };
}

function removeEmptyPanes(chart: IChartApi): void {
  const panes = chart.panes();
  for (let i = panes.length - 1; i >= 1; i--) if (panes[i]!.getSeries().length === 0) chart.removePane(i);
}

export function IndicatorsOverlay({ host, chartKey, candles }: OverlayProps) {
  const profiles = useIndicators((s) => s.profiles);
  const profile = useIndicators((s) => s.profile);
  const setProfile = useIndicators((s) => s.setProfile);
  const loadProfiles = useIndicators((s) => s.loadProfiles);
  const loadError = useIndicators((s) => s.error);
  useEffect(() => {
    void loadProfiles();
  }, [loadProfiles]);

  const info = profile === NO_PROFILE ? undefined : profiles.find((p) => p.name === profile);
  const drawnNames = useMemo(() => (info ? info.names.filter((n) => styleFor(n, info.names)) : []), [info]);
  const namesKey = drawnNames.join(',');
  const drawn = useRef<Drawn[]>([]);
  const [status, setStatus] = useState<{ rows: number; lastTs: number; error: string | null; panes: number; breaks: number }>({ rows: 0, lastTs: 0, error: null, panes: 1, breaks: 0 });
  const want = Math.min(Math.max(candles.length, 50), 5000);

  // Series for the profile, then its full history.
  useEffect(() => {
    if (!host || !info || drawnNames.length === 0) {
      setStatus({ rows: 0, lastTs: 0, error: null, panes: host?.chart.panes().length ?? 1, breaks: 0 });
      return;
    }
    const chart = host.chart;
    const precision = host.price.options().priceFormat;
    const paneIndex = new Map<PaneId, number>([['price', 0]]);
    const used = new Set(drawnNames.map((n) => styleFor(n, drawnNames)!.pane));
    let next = chart.panes().length;
    for (const p of PANE_ORDER) if (used.has(p)) paneIndex.set(p, next++);
    const list: Drawn[] = [];
    // Panes are created in index order (a series for a pane past the last one opens the next pane).
    const ordered = [...drawnNames].sort((a, b) => paneIndex.get(styleFor(a, drawnNames)!.pane)! - paneIndex.get(styleFor(b, drawnNames)!.pane)!);
    for (const name of ordered) {
      const style = styleFor(name, drawnNames)!;
      const pane = paneIndex.get(style.pane)!;
      // No axis labels from indicators (only the price and the selected signal or order have one);
      // lines on the price pane may extend its scale only a little beyond the candles.
      const common = {
        title: '',
        priceLineVisible: false,
        lastValueVisible: false,
        ...(style.pane === 'price' ? { autoscaleInfoProvider: clampToCandles(host.candleRange) } : {}),
      };
      const series =
        style.kind === 'hist'
          ? chart.addSeries(HistogramSeries, { ...common, color: style.color, priceFormat: style.pane === 'macd' ? precision : { type: 'price', precision: 2, minMove: 0.01 } }, pane)
          : chart.addSeries(
              LineSeries,
              {
                ...common,
                color: style.color,
                lineWidth: style.width ?? 2,
                lineStyle: style.style ?? LineStyle.Solid,
                lineType: style.steps ? LineType.WithSteps : LineType.Simple,
                crosshairMarkerVisible: false,
                priceFormat: style.pane === 'price' || style.pane === 'macd' ? precision : { type: 'price' as const, precision: 2, minMove: 0.01 },
              },
              pane,
            );
      nameLine(series as ISeriesApi<SeriesType>, style.title || readoutTitle(name), style.color);
      list.push({ name, col: info.names.indexOf(name) + 1, style, series, lastTs: null });
    }
    // Guides: RSI 30/70, volume ratio 1×.
    for (const d of list) {
      if (d.name.startsWith('rsi_')) {
        d.series.createPriceLine({ price: 70, color: 'rgba(125,133,144,0.6)', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: false, title: '' });
        d.series.createPriceLine({ price: 30, color: 'rgba(125,133,144,0.6)', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: false, title: '' });
      }
      if (d.name.startsWith('volume_ratio_')) d.series.createPriceLine({ price: 1, color: 'rgba(125,133,144,0.6)', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: false, title: '' });
    }
    for (let i = 1; i < chart.panes().length; i++) chart.panes()[i]!.setStretchFactor(SUB_PANE_STRETCH);
    drawn.current = list;

    let cancelled = false;
    api
      .call('indicators.series', { source: chartKey.source, symbol: chartKey.symbol, timeframe: chartKey.timeframe, ...which(info.name, info.specs), limit: want })
      .then((s: IndicatorSeries) => {
        if (cancelled) return;
        let breaks = 0;
        for (const d of list) {
          const col = s.names.indexOf(d.name) + 1;
          d.col = col;
          const data = columnPoints(d.name, s.rows, col, (t, v) => point(d.style, t, v));
          d.series.setData(data);
          d.lastTs = data.length ? data[data.length - 1]!.time * 1000 : null;
          breaks += data.filter((x) => !('value' in x)).length;
        }
        setStatus({ rows: s.rows.length, lastTs: s.rows[s.rows.length - 1]?.[0] ?? 0, error: null, panes: chart.panes().length, breaks });
      })
      .catch((e: Error) => {
        if (!cancelled) setStatus((st) => ({ ...st, error: e.message }));
      });

    return () => {
      cancelled = true;
      drawn.current = [];
      try {
        for (const d of list) chart.removeSeries(d.series);
        removeEmptyPanes(chart);
      } catch {
        // The chart itself is gone (view closed): nothing left to remove.
      }
    };
    // `want` only sizes the first request (not a dependency): a longer candle list must not redraw everything.
  }, [host, info, namesKey, chartKey.source, chartKey.symbol, chartKey.timeframe]);

  // Live: when a new bar opens, the one before it has closed — fetch the newest rows.
  const lastCandleTs = candles[candles.length - 1]?.[0] ?? 0;
  const drawnUpTo = useRef(0);
  drawnUpTo.current = status.lastTs;
  useEffect(() => {
    if (!info || !lastCandleTs || drawnUpTo.current === 0 || lastCandleTs <= drawnUpTo.current) return;
    let cancelled = false;
    api
      .call('indicators.series', { source: chartKey.source, symbol: chartKey.symbol, timeframe: chartKey.timeframe, ...which(info.name, info.specs), limit: 3 })
      .then((s: IndicatorSeries) => {
        if (cancelled || drawn.current.length === 0) return;
        const fresh = s.rows.filter((r) => r[0] >= drawnUpTo.current);
        for (const d of drawn.current) {
          const col = s.names.indexOf(d.name) + 1;
          for (const r of fresh) {
            const v = r[col];
            if (typeof v !== 'number') continue;
            const time = (r[0] / 1000) as UTCTimestamp;
            // The first bar of a new session of a resetting line is whitespace (the line breaks there).
            const reset = d.lastTs !== null && d.lastTs < r[0] && resetsBetween(d.name, d.lastTs, r[0]);
            d.series.update(reset ? { time } : point(d.style, time, v));
            if (d.lastTs === null || r[0] > d.lastTs) d.lastTs = r[0];
          }
        }
        const last = s.rows[s.rows.length - 1]?.[0];
        if (last && last > drawnUpTo.current) setStatus((st) => ({ ...st, lastTs: last, rows: st.rows + fresh.filter((r) => r[0] > st.lastTs).length }));
      })
      .catch(() => {
        // A missed live update is redrawn by the next one (or the next full load).
      });
    return () => {
      cancelled = true;
    };
  }, [lastCandleTs, info, chartKey.source, chartKey.symbol, chartKey.timeframe]);

  // Keyboard: I / Shift+I step to the next / previous profile, F switches light ↔ full.
  const stepProfile = (by: 1 | -1) => {
    const st = useIndicators.getState();
    const order = [NO_PROFILE, ...st.profiles.map((p) => p.name)];
    if (order.length < 2) return;
    const at = Math.max(0, order.indexOf(st.profile));
    st.setProfile(order[(at + (by === 1 ? 1 : order.length - 1)) % order.length]!);
  };
  useKeyActions(
    'chart-indicators',
    [
      keyAction('chart.profileNext', () => stepProfile(1)),
      keyAction('chart.profilePrev', () => stepProfile(-1)),
      keyAction('chart.profileLightFull', () => {
        const st = useIndicators.getState();
        st.setProfile(st.profile === FULL_PROFILE ? LIGHT_PROFILE : FULL_PROFILE);
      }),
    ],
    [],
  );

  // The picker goes into the chart's toolbar.
  const [toolbar, setToolbar] = useState<HTMLElement | null>(null);
  useEffect(() => {
    const el = host?.chart.chartElement().closest('.chart-view')?.querySelector<HTMLElement>('.toolbar') ?? null;
    setToolbar(el);
  }, [host]);

  const picker = (
    <label className="ind-picker" title="Indicator overlays from a feature profile (F: light ↔ full · I / Shift+I: next / previous)" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
      <span className="muted">Indicators</span>
      <select aria-label="Indicator profile" data-testid="indicator-profile" value={profile} onChange={(e) => setProfile(e.target.value)}>
        <option value={NO_PROFILE}>none</option>
        {profiles.map((p) => (
          <option key={p.name} value={p.name} title={p.summary}>
            {p.name}
          </option>
        ))}
      </select>
      {(status.error ?? loadError) && <span className="error">{status.error ?? loadError}</span>}
    </label>
  );

  return (
    <>
      {toolbar && createPortal(picker, toolbar)}
      <span
        hidden
        data-testid="indicators-overlay"
        data-profile={profile}
        data-series={drawnNames.join(',')}
        data-rows={status.rows}
        data-last-ts={status.lastTs}
        data-panes={status.panes}
        data-breaks={status.breaks}
        data-axis-labels={0}
        data-error={status.error ?? ''}
      />
    </>
  );
}
