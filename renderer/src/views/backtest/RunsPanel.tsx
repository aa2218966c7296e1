/** Past runs (open one, cancel, delete, pick up to four to compare) and the side-by-side comparison. */
import { api } from '../../api/client';
import { useBacktest } from '../../stores/backtest';
import { METRIC_ROWS } from './BacktestResults';
import { fts } from './format';

const describe = (input: { strategy: { id: string; params?: Record<string, unknown> }; symbols: string[]; timeframe: string }): string =>
  `${input.strategy.id}${input.strategy.params && Object.keys(input.strategy.params).length ? ` (${Object.entries(input.strategy.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')})` : ''} · ${input.symbols.join(', ')} · ${input.timeframe}`;

export function RunsPanel() {
  const { runs, shown, compare, compared, show, toggleCompare, refresh, progress } = useBacktest();
  return (
    <div className="bt-runs">
      <table className="grid" data-testid="bt-runs">
        <caption>Past runs</caption>
        <thead>
          <tr>
            <th>Compare</th>
            <th>#</th>
            <th>Kind</th>
            <th>What</th>
            <th>Status</th>
            <th>Return %</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                No runs yet: fill the form and press Enter.
              </td>
            </tr>
          )}
          {runs.map((r) => {
            const live = progress[r.id];
            const status = live && (r.status === 'queued' || r.status === 'running') ? live.status : r.status;
            return (
              <tr key={r.id} className={shown?.id === r.id ? 'sel' : ''} data-testid="bt-run-row">
                <td>
                  <input type="checkbox" aria-label={`Compare run ${r.id}`} checked={compare.includes(r.id)} disabled={r.kind !== 'run' || r.status !== 'done'} onChange={() => void toggleCompare(r.id)} />
                </td>
                <td>{r.id}</td>
                <td>{r.kind}</td>
                <td>{describe(r.input)}</td>
                <td>
                  <span className={`badge ${status}`}>{status}</span>
                </td>
                <td>{r.metrics ? r.metrics.totalReturnPct.toFixed(2) : '—'}</td>
                <td>{fts(r.createdAt)}</td>
                <td>
                  <button className="btn" onClick={() => void show(r.id)} aria-label={`Open run ${r.id}`}>
                    Open
                  </button>{' '}
                  {(status === 'running' || status === 'queued') && (
                    <button className="btn" onClick={() => void api.call('backtest.cancel', { id: r.id }).then(refresh)} aria-label={`Cancel run ${r.id}`}>
                      Cancel
                    </button>
                  )}{' '}
                  <button className="btn danger" onClick={() => void api.call('backtest.delete', { id: r.id }).then(refresh)} aria-label={`Delete run ${r.id}`}>
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {compared.length >= 2 && (
        <table className="grid bt-compare" data-testid="bt-compare">
          <caption>Side by side</caption>
          <thead>
            <tr>
              <th>Metric</th>
              {compared.map((r) => (
                <th key={r.id} title={describe(r.input)}>
                  #{r.id} {r.input.strategy.id}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {METRIC_ROWS.map(([k, label, fmt]) => (
              <tr key={k}>
                <td>{label}</td>
                {compared.map((r) => (
                  <td key={r.id}>{r.metrics ? fmt(r.metrics) : '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
