/** One watchlist row, memoized: it re-renders only when its quote object or selection changes. */
import { memo } from 'react';
import type { WatchQuote } from '../../../engine/api';
import { Sparkline } from './Sparkline';
import { basisWords, fmtChange, fmtLast } from './format';

export const ROW_H = 28;

interface Props {
  quote: WatchQuote;
  index: number;
  selected: boolean;
  onChart: boolean;
  showSource: boolean;
  onPick(index: number): void;
}

export const WatchRow = memo(function WatchRow({ quote: q, index, selected, onChart, showSource, onPick }: Props) {
  const up = (q.changePct ?? 0) >= 0;
  const bell = q.alertRules + q.activeAlerts > 0;
  return (
    <div
      role="option"
      id={`wl-row-${index}`}
      aria-selected={selected}
      className={`wl-row${selected ? ' sel' : ''}${onChart ? ' on-chart' : ''}`}
      style={{ top: index * ROW_H, height: ROW_H }}
      data-testid="watch-row"
      data-symbol={q.symbol}
      data-source={q.source}
      data-last={q.last ?? ''}
      data-change={q.changePct ?? ''}
      onMouseDown={(e) => e.preventDefault()}
      onClick={() => onPick(index)}
      title={q.error ?? `${q.symbol} on ${q.source}: Enter or click shows it on the chart`}
    >
      <span className="wl-sym">
        {q.symbol}
        {showSource && <span className="wl-src">{q.source}</span>}
      </span>
      <span className="wl-last">{q.error ? <span className="muted">—</span> : fmtLast(q.last)}</span>
      <span className={`wl-chg ${q.changePct === null ? '' : up ? 'up' : 'down'}`} title={basisWords(q.basis)}>
        {fmtChange(q.changePct)}
      </span>
      <Sparkline points={q.spark} title={`${q.symbol}: hourly closes, ${basisWords(q.basis)}`} />
      <span className={`wl-sig ${q.signal?.side ?? ''}`} data-testid="watch-signal" title={q.signal ? `Newest signal: ${q.signal.side.toUpperCase()} (bar ${new Date(q.signal.barTime).toISOString().slice(0, 16).replace('T', ' ')} UTC)` : 'No signal yet'}>
        {q.signal ? (q.signal.side === 'buy' ? '▲BUY' : '▼SELL') : ''}
      </span>
      <span
        className={`wl-bell${q.activeAlerts > 0 ? ' firing' : ''}`}
        data-testid={bell ? 'watch-bell' : undefined}
        title={bell ? `${q.alertRules} alert rule${q.alertRules === 1 ? '' : 's'}, ${q.activeAlerts} active alert${q.activeAlerts === 1 ? '' : 's'}` : undefined}
        aria-label={bell ? 'alerts on this symbol' : undefined}
      >
        {bell && (
          <svg width="11" height="12" viewBox="0 0 11 12" aria-hidden="true">
            <path d="M5.5 0.8c-1.9 0-3.3 1.5-3.3 3.4v2.6L0.9 8.6v0.6h9.2V8.6L8.8 6.8V4.2C8.8 2.3 7.4 0.8 5.5 0.8zM4.2 10a1.3 1.3 0 0 0 2.6 0z" fill="currentColor" />
          </svg>
        )}
      </span>
    </div>
  );
});
