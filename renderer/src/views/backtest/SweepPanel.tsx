/** A sweep's results: a sortable table of every combination, the best in- vs out-of-sample, and a heatmap of the objective over two parameters. */
import { useState } from 'react';
import type { SweepResult, SweepRow } from '../../../../engine/api';
import { MetricsGrid } from './BacktestResults';
import { f2 } from './format';

type SortKey = 'objective' | 'totalReturnPct' | 'maxDrawdownPct' | 'trades' | 'winRatePct';

const val = (r: SweepRow, k: SortKey): number | null => (k === 'objective' ? r.objective : ((r.metrics?.[k] as number | null | undefined) ?? null));

export function SweepPanel({ sweep }: { sweep: SweepResult }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'objective', desc: sweep.objective !== 'maxDrawdownPct' });
  const names = Object.keys(sweep.rows[0]?.params ?? {});
  const rows = [...sweep.rows].sort((a, b) => {
    const x = val(a, sort.key);
    const y = val(b, sort.key);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    return sort.desc ? y - x : x - y;
  });
  const head = (k: SortKey, label: string) => (
    <th aria-sort={sort.key === k ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button className="bt-sort" onClick={() => setSort({ key: k, desc: sort.key === k ? !sort.desc : true })}>
        {label} {sort.key === k ? (sort.desc ? '▼' : '▲') : ''}
      </button>
    </th>
  );
  return (
    <div className="bt-sweep" data-testid="bt-sweep-results">
      {sweep.best && (
        <div className="bt-oos" data-testid="bt-best">
          <h4>
            Best by {sweep.objective}: {Object.entries(sweep.best.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}
          </h4>
          <div className="bt-row">
            <div>
              <h5>In-sample (first {100 - sweep.outOfSamplePct} %)</h5>
              <MetricsGrid m={sweep.best.inSample} />
            </div>
            <div data-testid="bt-oos">
              <h5>Out-of-sample (last {sweep.outOfSamplePct} %)</h5>
              {sweep.best.outOfSample ? <MetricsGrid m={sweep.best.outOfSample} /> : <p className="muted">No bars after the split.</p>}
            </div>
          </div>
        </div>
      )}
      {names.length >= 2 && <Heatmap sweep={sweep} x={names[0]!} y={names[1]!} />}
      <table className="grid" data-testid="bt-sweep-table">
        <thead>
          <tr>
            {names.map((n) => (
              <th key={n}>{n}</th>
            ))}
            {head('objective', sweep.objective)}
            {head('totalReturnPct', 'Return %')}
            {head('maxDrawdownPct', 'Max DD %')}
            {head('winRatePct', 'Win %')}
            {head('trades', 'Trades')}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-testid="bt-sweep-row" className={r.error ? 'muted' : ''}>
              {names.map((n) => (
                <td key={n}>{String(r.params[n])}</td>
              ))}
              {r.error ? (
                <td colSpan={5} title={r.error}>
                  refused: {r.error}
                </td>
              ) : (
                <>
                  <td>{f2(r.objective)}</td>
                  <td>{f2(r.metrics?.totalReturnPct)}</td>
                  <td>{f2(r.metrics?.maxDrawdownPct)}</td>
                  <td>{f2(r.metrics?.winRatePct)}</td>
                  <td>{r.metrics?.trades ?? '—'}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The objective over two parameters (other parameters: the best value found for the cell; green is better). */
function Heatmap({ sweep, x, y }: { sweep: SweepResult; x: string; y: string }) {
  const xs = [...new Set(sweep.rows.map((r) => String(r.params[x])))].sort((a, b) => Number(a) - Number(b));
  const ys = [...new Set(sweep.rows.map((r) => String(r.params[y])))].sort((a, b) => Number(a) - Number(b));
  const cell = new Map<string, number | null>();
  for (const r of sweep.rows) {
    const k = `${String(r.params[x])}|${String(r.params[y])}`;
    const prev = cell.get(k);
    const better = (a: number, b: number): boolean => (sweep.objective === 'maxDrawdownPct' ? a < b : a > b);
    if (r.objective !== null && (prev === undefined || prev === null || better(r.objective, prev))) cell.set(k, r.objective);
    else if (prev === undefined) cell.set(k, null);
  }
  const vals = [...cell.values()].filter((v): v is number => v !== null);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const color = (v: number | null | undefined): string => {
    if (v === null || v === undefined) return 'var(--chip)';
    const u = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    const t = sweep.objective === 'maxDrawdownPct' ? 1 - u : u; // green = better
    return `rgb(${Math.round(200 * (1 - t) + 20)}, ${Math.round(60 + 140 * t)}, ${Math.round(80 + 40 * t)})`;
  };
  return (
    <table className="bt-heatmap" data-testid="bt-heatmap" aria-label={`${sweep.objective} over ${x} and ${y}`}>
      <caption>
        {sweep.objective} over {x} (columns) and {y} (rows)
      </caption>
      <thead>
        <tr>
          <th>
            {y} \ {x}
          </th>
          {xs.map((v) => (
            <th key={v}>{v}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {ys.map((yv) => (
          <tr key={yv}>
            <th>{yv}</th>
            {xs.map((xv) => {
              const v = cell.get(`${xv}|${yv}`);
              return (
                <td key={xv} style={{ background: color(v) }} title={`${x}=${xv}, ${y}=${yv}: ${v === undefined ? 'not run' : v === null ? 'refused or undefined' : f2(v)}`}>
                  {v === undefined ? '' : v === null ? '×' : f2(v)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
