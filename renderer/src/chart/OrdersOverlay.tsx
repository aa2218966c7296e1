/**
 * Orders on the chart: fills as markers, and the position's entry, stop and target as price lines
 * (titled on the line, with no price-axis label: the axis keeps the price and the selected
 * signal's labels only), their prices rounded to the market's tick.
 */
import { useEffect, useMemo } from 'react';
import { createSeriesMarkers, LineStyle, type IPriceLine, type SeriesMarker, type UTCTimestamp } from 'lightweight-charts';
import { bucketStart, priceTick, roundToTick } from '../../../engine/api';
import { useOrders } from '../stores/orders';
import type { OverlayProps } from '../views/ChartView';

export function OrdersOverlay({ host, chartKey, candles }: OverlayProps) {
  const fills = useOrders((s) => s.fills);
  const positions = useOrders((s) => s.positions);
  const orders = useOrders((s) => s.orders);
  const first = candles[0]?.[0] ?? 0;
  const markers = useMemo<SeriesMarker<UTCTimestamp>[]>(
    () =>
      fills
        .filter((f) => f.symbol === chartKey.symbol && f.ts >= first)
        .sort((a, b) => a.ts - b.ts)
        .map((f) => ({
          time: (bucketStart(f.ts, chartKey.timeframe) / 1000) as UTCTimestamp,
          position: f.side === 'buy' ? 'belowBar' : 'aboveBar',
          color: f.side === 'buy' ? '#26a69a' : '#ef5350',
          shape: f.side === 'buy' ? 'arrowUp' : 'arrowDown',
          text: `${f.side === 'buy' ? 'B' : 'S'} ${f.amount} @ ${f.price}`,
        })),
    [fills, chartKey.symbol, chartKey.timeframe, first],
  );

  useEffect(() => {
    if (!host) return;
    const m = createSeriesMarkers(host.price, markers);
    return () => m.detach();
  }, [host, markers]);

  const pos = positions.find((p) => p.symbol === chartKey.symbol);
  const working = useMemo(() => orders.filter((o) => o.symbol === chartKey.symbol && o.status === 'open' && o.role === 'entry' && (o.price || o.stopPrice)), [orders, chartKey.symbol]);
  useEffect(() => {
    if (!host) return;
    const lines: IPriceLine[] = [];
    const add = (price: string | null, color: string, title: string, style = LineStyle.Dashed) => {
      if (price) lines.push(host.price.createPriceLine({ price: roundToTick(Number(price), priceTick(Number(price))), color, lineWidth: 1, lineStyle: style, axisLabelVisible: false, title }));
    };
    if (pos) {
      add(pos.avgEntry, '#4493f8', `ENTRY ${pos.qty}`, LineStyle.Solid);
      add(pos.stopLoss, '#ef5350', 'STOP');
      add(pos.takeProfit, '#26a69a', 'TARGET');
    }
    for (const o of working) add(o.price ?? o.stopPrice, '#d29922', `${o.side.toUpperCase()} ${o.type} ${o.amount}`, LineStyle.Dotted);
    return () => {
      for (const l of lines) host.price.removePriceLine(l);
    };
  }, [host, pos, working]);

  return <span hidden data-testid="orders-overlay" data-markers={markers.length} data-entry={pos?.avgEntry ?? ''} data-stop={pos?.stopLoss ?? ''} data-target={pos?.takeProfit ?? ''} data-axis-labels={0} />;
}
