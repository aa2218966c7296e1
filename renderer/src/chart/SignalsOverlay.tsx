/**
 * Signals on the chart: one marker per delivered signal of the shown symbol (arrow at its bar,
 * labelled with strategy and confidence; rejected signals hidden), and the selected signal's
 * entry, stop and target as price lines. Uses its own markers primitive on the price series,
 * next to the orders overlay's.
 */
import { useEffect, useMemo } from 'react';
import { createSeriesMarkers, LineStyle, type IPriceLine, type SeriesMarker, type UTCTimestamp } from 'lightweight-charts';
import { bucketStart } from '../../../engine/api';
import { useSignals } from '../stores/signals';
import type { OverlayProps } from '../views/ChartView';

export function SignalsOverlay({ host, chartKey, candles }: OverlayProps) {
  const signals = useSignals((s) => s.signals);
  const selectedId = useSignals((s) => s.selectedId);
  const first = candles[0]?.[0] ?? 0;
  const shown = useMemo(
    () => signals.filter((s) => s.source === chartKey.source && s.symbol === chartKey.symbol && s.status !== 'rejected' && s.barTime >= first).sort((a, b) => a.barTime - b.barTime || a.id - b.id),
    [signals, chartKey.source, chartKey.symbol, first],
  );
  const markers = useMemo<SeriesMarker<UTCTimestamp>[]>(
    () =>
      shown.map((s) => ({
        time: (bucketStart(s.barTime, chartKey.timeframe) / 1000) as UTCTimestamp,
        position: s.side === 'buy' ? 'belowBar' : 'aboveBar',
        color: s.side === 'buy' ? '#4493f8' : '#d29922',
        shape: s.side === 'buy' ? 'arrowUp' : 'arrowDown',
        text: `${s.side === 'buy' ? '▲' : '▼'} ${s.strategy} ${Math.round(s.confidence * 100)}%`,
        id: `signal-${s.id}`,
      })),
    [shown, chartKey.timeframe],
  );

  useEffect(() => {
    if (!host) return;
    const m = createSeriesMarkers(host.price, markers);
    return () => m.detach();
  }, [host, markers]);

  const sel = signals.find((s) => s.id === selectedId && s.symbol === chartKey.symbol && s.source === chartKey.source);
  useEffect(() => {
    if (!host || !sel) return;
    const lines: IPriceLine[] = [
      host.price.createPriceLine({ price: sel.entry, color: '#4493f8', lineWidth: 1, lineStyle: LineStyle.Solid, axisLabelVisible: true, title: `SIGNAL ${sel.side.toUpperCase()}` }),
      host.price.createPriceLine({ price: sel.stopLoss, color: '#ef5350', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: 'SIG STOP' }),
      host.price.createPriceLine({ price: sel.takeProfit, color: '#26a69a', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: 'SIG TARGET' }),
    ];
    return () => {
      for (const l of lines) host.price.removePriceLine(l);
    };
  }, [host, sel]);

  return <span hidden data-testid="signals-overlay" data-markers={markers.length} data-ids={shown.map((s) => s.id).join(',')} data-selected={sel?.id ?? ''} />;
}
