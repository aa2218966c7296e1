/**
 * Signals on the chart: delivered signals of the shown symbol (rejected ones hidden) as arrows at
 * their bar — one marker per bar and side, labelled only with a one-letter strategy code (×N when
 * several share the bar), so a cluster of signals stays readable at any zoom or sim speed. The
 * legend (top left) explains the codes; hovering a marker, or its bar, shows the details (side,
 * strategy, confidence, entry, stop, target, first reason); clicking it selects the signal. The
 * selected signal's marker carries its full label and its entry, stop and target are drawn as
 * price lines. Uses its own markers primitive on the price series, next to the orders overlay's.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { createSeriesMarkers, LineStyle, type IPriceLine, type MouseEventParams, type SeriesMarker, type Time, type UTCTimestamp } from 'lightweight-charts';
import { bucketStart, priceTick, roundToTick, tickDecimals, type Signal } from '../../../engine/api';
import { useSignals } from '../stores/signals';
import type { OverlayProps } from '../views/ChartView';

/** One-letter codes of the registry's strategies (unknown ids: their first letter, upper case). */
const CODES: Record<string, string> = { ema_cross: 'X', breakout: 'B', momentum: 'M', mean_reversion: 'R', scalping: 'S' };
export const strategyCode = (id: string): string => CODES[id] ?? (id[0] ?? '?').toUpperCase();

interface Group {
  key: string;
  time: UTCTimestamp;
  side: Signal['side'];
  signals: Signal[];
}

/** A signal's price, rounded to the market's tick (the entry's magnitude) and shown with its decimals. */
export function fmtTick(x: number, ref: number): string {
  const tick = priceTick(ref);
  const d = Math.min(8, tickDecimals(tick));
  return roundToTick(x, tick).toLocaleString('en-US', { minimumFractionDigits: Math.min(2, d), maximumFractionDigits: d });
}
const pct = (c: number): string => `${Math.round(c * 100)} %`;

export function SignalsOverlay({ host, chartKey, candles }: OverlayProps) {
  const signals = useSignals((s) => s.signals);
  const selectedId = useSignals((s) => s.selectedId);
  const select = useSignals((s) => s.select);
  const [hovered, setHovered] = useState<{ key: string; x: number; y: number } | null>(null);
  const first = candles[0]?.[0] ?? 0;
  const shown = useMemo(
    () => signals.filter((s) => s.source === chartKey.source && s.symbol === chartKey.symbol && s.status !== 'rejected' && s.barTime >= first).sort((a, b) => a.barTime - b.barTime || a.id - b.id),
    [signals, chartKey.source, chartKey.symbol, first],
  );
  const groups = useMemo(() => {
    const by = new Map<string, Group>();
    for (const s of shown) {
      const time = (bucketStart(s.barTime, chartKey.timeframe) / 1000) as UTCTimestamp;
      const key = `signal-${time}-${s.side}`;
      let g = by.get(key);
      if (!g) by.set(key, (g = { key, time, side: s.side, signals: [] }));
      g.signals.push(s);
    }
    return [...by.values()];
  }, [shown, chartKey.timeframe]);
  const markers = useMemo<SeriesMarker<UTCTimestamp>[]>(
    () =>
      groups.map((g) => {
        const sel = g.signals.find((s) => s.id === selectedId);
        const codes = [...new Set(g.signals.map((s) => strategyCode(s.strategy)))].join('');
        const text = sel ? `${sel.side === 'buy' ? 'BUY' : 'SELL'} ${sel.strategy} ${pct(sel.confidence)}` : g.signals.length > 1 ? `${codes}×${g.signals.length}` : codes;
        return {
          time: g.time,
          position: g.side === 'buy' ? 'belowBar' : 'aboveBar',
          color: g.side === 'buy' ? '#4493f8' : '#d29922',
          shape: g.side === 'buy' ? 'arrowUp' : 'arrowDown',
          text,
          size: sel ? 1.5 : 1,
          id: g.key,
        };
      }),
    [groups, selectedId],
  );

  useEffect(() => {
    if (!host) return;
    const m = createSeriesMarkers(host.price, markers);
    return () => m.detach();
  }, [host, markers]);

  // Hover: the marker under the pointer, else the signals at the crosshair's bar. Click: select.
  useEffect(() => {
    if (!host) return;
    const byKey = new Map(groups.map((g) => [g.key, g]));
    const at = (p: MouseEventParams<Time>): Group | undefined => {
      const id = typeof p.hoveredObjectId === 'string' ? p.hoveredObjectId : undefined;
      if (id && byKey.has(id)) return byKey.get(id);
      return p.time === undefined ? undefined : groups.find((g) => g.time === p.time);
    };
    const move = (p: MouseEventParams<Time>): void => {
      const g = p.point ? at(p) : undefined;
      setHovered(g && p.point ? { key: g.key, x: p.point.x, y: p.point.y } : null);
    };
    const click = (p: MouseEventParams<Time>): void => {
      const id = typeof p.hoveredObjectId === 'string' ? p.hoveredObjectId : undefined;
      const g = id ? byKey.get(id) : undefined;
      if (g) select(g.signals[g.signals.length - 1]!.id);
    };
    host.chart.subscribeCrosshairMove(move);
    host.chart.subscribeClick(click);
    return () => {
      host.chart.unsubscribeCrosshairMove(move);
      host.chart.unsubscribeClick(click);
    };
  }, [host, groups, select]);

  const sel = signals.find((s) => s.id === selectedId && s.symbol === chartKey.symbol && s.source === chartKey.source);
  useEffect(() => {
    if (!host || !sel) return;
    const tick = priceTick(sel.entry);
    const lines: IPriceLine[] = [
      host.price.createPriceLine({ price: roundToTick(sel.entry, tick), color: '#4493f8', lineWidth: 1, lineStyle: LineStyle.Solid, axisLabelVisible: true, title: `SIGNAL ${sel.side.toUpperCase()}` }),
      host.price.createPriceLine({ price: roundToTick(sel.stopLoss, tick), color: '#ef5350', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: 'SIG STOP' }),
      host.price.createPriceLine({ price: roundToTick(sel.takeProfit, tick), color: '#26a69a', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: 'SIG TARGET' }),
    ];
    return () => {
      for (const l of lines) host.price.removePriceLine(l);
    };
  }, [host, sel]);

  // Enter on a signal shows it on the chart: when the selection turns to a signal whose bar is out
  // of view, the time scale scrolls to it (once per selection; the trader scrolls on from there).
  const selBar = sel ? bucketStart(sel.barTime, chartKey.timeframe) : undefined;
  useEffect(() => {
    if (!host || selBar === undefined) return;
    // Once the series holds that bar (the chart sets its data after its overlays' effects run).
    const show = (): boolean => {
      const ts = host.chart.timeScale();
      const x = ts.timeToCoordinate((selBar / 1000) as UTCTimestamp);
      const idx = x === null ? null : ts.coordinateToLogical(x);
      if (idx === null) return false;
      const r = ts.getVisibleLogicalRange();
      if (r && idx >= r.from + 2 && idx <= r.to - 2) return true;
      const w = r ? r.to - r.from : 120;
      ts.setVisibleLogicalRange({ from: idx - w * 0.7, to: idx + w * 0.3 });
      return true;
    };
    if (show()) return;
    const t = setInterval(() => show() && clearInterval(t), 100);
    const stop = setTimeout(() => clearInterval(t), 5_000);
    return () => {
      clearInterval(t);
      clearTimeout(stop);
    };
  }, [host, sel?.id, selBar]);

  // Where the selected signal's bar is drawn (px from the chart's left), refreshed as the chart
  // scrolls, so tests can hover it without sweeping a moving chart.
  const tag = useRef<HTMLSpanElement>(null);
  const selTime = sel ? ((bucketStart(sel.barTime, chartKey.timeframe) / 1000) as UTCTimestamp) : undefined;
  useEffect(() => {
    if (!host) return;
    const put = () => {
      if (tag.current) tag.current.dataset.selX = selTime === undefined ? '' : String(host.chart.timeScale().timeToCoordinate(selTime) ?? '');
    };
    put();
    const t = setInterval(put, 200);
    return () => clearInterval(t);
  }, [host, selTime]);

  const hoveredGroup = hovered ? groups.find((g) => g.key === hovered.key) : undefined;
  const usedCodes = [...new Map(shown.map((s) => [strategyCode(s.strategy), s.strategy])).entries()].sort();
  const container = host?.chart.chartElement().parentElement ?? null;
  return (
    <>
      <span hidden ref={tag} data-testid="signals-overlay" data-markers={markers.length} data-ids={shown.map((s) => s.id).join(',')} data-selected={sel?.id ?? ''} data-texts={markers.map((m) => m.text).join('|')} data-axis-labels={sel ? 3 : 0} data-levels={sel ? [sel.entry, sel.stopLoss, sel.takeProfit].map((x) => roundToTick(x, priceTick(sel.entry))).join(',') : ''} />
      {container &&
        createPortal(
          <>
            {usedCodes.length > 0 && (
              <div className="signal-legend" data-testid="signals-legend">
                <span className="muted">Signals</span> <span className="buy">▲ buy</span> <span className="sell">▼ sell</span>
                {usedCodes.map(([code, id]) => (
                  <span key={code}>
                    {' '}
                    <b>{code}</b> {id}
                  </span>
                ))}
              </div>
            )}
            {hoveredGroup && hovered && (
              <div
                className="signal-tip"
                data-testid="signal-tip"
                style={{ left: Math.min(hovered.x + 14, Math.max(0, container.clientWidth - 330)), top: Math.max(4, Math.min(hovered.y + 14, container.clientHeight - 40 - 64 * hoveredGroup.signals.length)) }}
              >
                {hoveredGroup.signals.slice(-4).map((s) => (
                  <div key={s.id} className="signal-tip-row">
                    <div>
                      <b className={s.side}>{s.side.toUpperCase()}</b> {s.symbol} {fmtTick(s.entry, s.entry)} — {s.strategy} · {pct(s.confidence)} · #{s.id}
                    </div>
                    <div className="muted">
                      stop {fmtTick(s.stopLoss, s.entry)} · target {fmtTick(s.takeProfit, s.entry)} · {s.status}
                      {s.channelName ? ` · ${s.channelName}` : ''}
                    </div>
                    {s.reasons[0] && <div className="muted">{s.reasons[0]}</div>}
                  </div>
                ))}
                {hoveredGroup.signals.length > 4 && <div className="muted">… and {hoveredGroup.signals.length - 4} more</div>}
              </div>
            )}
          </>,
          container,
        )}
    </>
  );
}
