/** The price chart of one symbol of a run, with a marker at every entry and exit (and why it exited). */
import { useEffect, useRef, useState } from 'react';
import { CandlestickSeries, createChart, createSeriesMarkers, type SeriesMarker, type UTCTimestamp } from 'lightweight-charts';
import type { BacktestRun } from '../../../../engine/api';
import { api } from '../../api/client';
import { chartSurface, followTheme } from '../../theme/chart-theme';

export function TradesChart({ run }: { run: BacktestRun }) {
  const el = useRef<HTMLDivElement>(null);
  const [symbol, setSymbol] = useState(run.input.symbols[0]!);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = createChart(el.current, {
      autoSize: true,
      ...chartSurface(),
      timeScale: { ...chartSurface().timeScale, timeVisible: true, secondsVisible: false },
    });
    const price = c.addSeries(CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350', borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350' });
    let alive = true;
    const trades = run.trades.filter((t) => t.symbol === symbol);
    const since = run.input.from ?? trades[0]?.entryTs ?? run.equity[0]?.[0];
    api.call('market.candles', { source: run.input.source, symbol, timeframe: run.input.timeframe, limit: 5000, since: since !== undefined ? Math.max(0, Math.floor(since)) : undefined }).then(
      (rows) => {
        if (!alive) return;
        price.setData(rows.map((r) => ({ time: (r[0] / 1000) as UTCTimestamp, open: r[1], high: r[2], low: r[3], close: r[4] })));
        const last = rows.length ? rows[rows.length - 1]![0] : 0;
        const markers: SeriesMarker<UTCTimestamp>[] = [];
        for (const t of trades) {
          if (t.entryTs > last) continue;
          markers.push({ time: (t.entryTs / 1000) as UTCTimestamp, position: t.side === 'long' ? 'belowBar' : 'aboveBar', shape: t.side === 'long' ? 'arrowUp' : 'arrowDown', color: '#4493f8', text: t.side === 'long' ? 'long' : 'short' });
          if (t.exitTs <= last) markers.push({ time: (t.exitTs / 1000) as UTCTimestamp, position: t.side === 'long' ? 'aboveBar' : 'belowBar', shape: 'circle', color: t.pnl >= 0 ? '#26a69a' : '#ef5350', text: t.exitReason });
        }
        markers.sort((a, b) => a.time - b.time);
        createSeriesMarkers(price, markers);
        c.timeScale().fitContent();
      },
      (e: Error) => alive && setError(e.message),
    );
    const unfollow = followTheme(c);
    return () => {
      alive = false;
      unfollow();
      c.remove();
    };
  }, [run, symbol]);
  return (
    <div className="bt-trades-chart">
      {run.input.symbols.length > 1 && (
        <select aria-label="Chart symbol" value={symbol} onChange={(e) => setSymbol(e.target.value)}>
          {run.input.symbols.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      )}
      {error && <span className="error">{error}</span>}
      <div className="bt-chart" ref={el} data-testid="bt-price-chart" />
    </div>
  );
}
