/**
 * What the price scale shows, as attributes a test (or a curious user's devtools) can read: the
 * prices at the top and bottom of the price pane and the visible candles' high and low.
 */
import { useEffect, useState } from 'react';
import type { OverlayProps } from '../views/ChartView';

interface Probe {
  top: number;
  bottom: number;
  high: number;
  low: number;
}

export function ScaleProbe({ host }: { host: OverlayProps['host'] }) {
  const [p, setP] = useState<Probe | null>(null);
  useEffect(() => {
    if (!host) return;
    const read = () => {
      try {
        const pane = host.chart.panes()[0];
        const range = host.chart.timeScale().getVisibleLogicalRange();
        if (!pane || !range) return;
        let high = -Infinity;
        let low = Infinity;
        // Only the visible bars (dataByIndex): copying the whole series each time costs O(bars).
        for (let i = Math.max(0, Math.floor(range.from)); i <= Math.ceil(range.to); i++) {
          const b = host.price.dataByIndex(i) as { high?: number; low?: number } | null;
          if (b?.high === undefined || b.low === undefined) continue;
          high = Math.max(high, b.high);
          low = Math.min(low, b.low);
        }
        const top = host.price.coordinateToPrice(0);
        const bottom = host.price.coordinateToPrice(pane.getHeight());
        if (top === null || bottom === null || !Number.isFinite(high)) return;
        setP((old) => (old && old.top === top && old.bottom === bottom && old.high === high && old.low === low ? old : { top, bottom, high, low }));
      } catch {
        // The chart went away between two reads.
      }
    };
    const t = setInterval(read, 400);
    read();
    return () => clearInterval(t);
  }, [host]);
  return <span hidden data-testid="chart-scale" data-top={p?.top ?? ''} data-bottom={p?.bottom ?? ''} data-high={p?.high ?? ''} data-low={p?.low ?? ''} />;
}
