/**
 * The Data sources view's series section: every stored series beside the candle sources, with
 * its source's health, freshness, last value with its unit, requests in 24 h, the feature name
 * strategies and alerts read, and the cost per month summed per kind. "Chart" shows a series in
 * a pane under the chart. Keyboard: Shift+S adds a series source.
 */
import { useEffect, useState } from 'react';
import type { SourceHealth } from '../../../../engine/api';
import { useSeries, valueWithUnit } from '../../stores/series';
import { useApp } from '../../stores/app';
import { ago } from '../../stores/sources';
import { useKeyActions } from '../../keyboard/registry';
import { keyAction } from '../../keyboard/catalogue';
import { StatusBadge } from './format';
import { SeriesSourceDialog } from './SeriesSourceDialog';

const FRESH_CLASS: Record<string, string> = { fresh: 'ok', aging: 'warn', stale: 'error', none: 'muted' };
const KIND_NAME: Record<string, string> = { http_json: 'HTTP JSON', ccxt: 'Exchange (ccxt)' };

export function SeriesSection({ health, onMessage, refreshSources }: { health: Record<string, SourceHealth | undefined>; onMessage: (m: string) => void; refreshSources: () => unknown }) {
  const { list, costs, error, refresh, setChartSpec } = useSeries();
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), 3000);
    return () => clearInterval(t);
  }, [refresh]);
  useKeyActions('data-series', [keyAction('data.series.add', () => setAdding(true))], []);

  const chart = (spec: string) => {
    setChartSpec(spec);
    useApp.getState().setView('chart');
  };

  return (
    <section className="ds-series" data-testid="series-section">
      <div className="ds-detail-head">
        <h3>Series beyond candles</h3>
        <button className="btn" onClick={() => setAdding(true)} data-testid="add-series-source">+ Add series source (Shift+S)</button>
        <span className="ds-costs" data-testid="series-costs">
          Cost per month:{' '}
          {costs.length === 0 ? <span className="muted">none</span> : costs.map((c) => <span key={c.kind} className="ds-cost" data-kind={c.kind}>{KIND_NAME[c.kind] ?? c.kind} {c.costPerMonth.toFixed(2)} ({c.sources} {c.sources === 1 ? 'source' : 'sources'})</span>)}
        </span>
        {error && <span className="error">{error}</span>}
      </div>
      <table className="grid ds-series-table" data-testid="series-table">
        <thead>
          <tr><th>Source</th><th>Health</th><th>Series · feature</th><th>Last value</th><th>Freshness</th><th>Points</th><th>Req 24 h</th><th>Last error</th><th /></tr>
        </thead>
        <tbody>
          {list.length === 0 && (
            <tr><td colSpan={9} className="muted">No series yet: add a sentiment index, an on-chain metric (HTTP JSON) or an exchange's funding, open interest or book (Shift+S).</td></tr>
          )}
          {list.map((s) => {
            const h = health[s.source];
            return (
              <tr key={`${s.source}|${s.symbol}|${s.series}`} data-testid={`series-row-${s.source}-${s.series}`}>
                <td className="ds-wrap">{s.source} <span className="muted">{s.symbol ? s.symbol : KIND_NAME[s.kind] ?? s.kind}</span></td>
                <td>{h ? <StatusBadge status={h.status} /> : <span className="muted">—</span>}</td>
                <td className="ds-wrap">{s.series}<div className="muted ds-feature" title="The feature strategies, alerts and indicators.series read">{s.feature}</div></td>
                <td className="ds-wrap" data-testid="series-last" title={s.lastTs !== null ? `${new Date(s.lastTs).toISOString().slice(0, 19).replace('T', ' ')} UTC` : ''}>{valueWithUnit(s.lastValue, s.unit)}</td>
                <td><span className={FRESH_CLASS[s.freshness]} data-testid="series-fresh">{s.freshness}</span>{s.lastTs !== null && <span className="muted"> · {ago(s.lastTs)}</span>}</td>
                <td>{s.points}</td>
                <td data-testid="series-req">{h?.requests24h ?? 0}</td>
                <td><div className="ds-err">{s.lastError ?? h?.lastError?.message ?? '—'}</div></td>
                <td><button className="btn ds-small" onClick={() => chart(s.spec)} title="Show this series in a pane under the chart" data-testid="series-chart">Chart</button></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {adding && (
        <SeriesSourceDialog
          onClose={() => setAdding(false)}
          onDone={(m) => {
            setAdding(false);
            onMessage(m);
            void refreshSources();
            void refresh();
          }}
        />
      )}
    </section>
  );
}
