/**
 * Data sources: every market source with its status badge, circuit state, freshness (relative to
 * each timeframe), last error and enable toggle; the selected source's feeds and discovery picks;
 * back-fill jobs with progress bars and ETA. Keyboard: ↑/↓ select a source, Space enables or
 * disables it, N adds a source, E edits it, F opens the back-fill dialog, Esc closes a dialog.
 */
import { useEffect, useRef, useState } from 'react';
import type { SourceView, Timeframe } from '../../../engine/api';
import { api } from '../api/client';
import { runAction } from '../api/act';
import { ago, duration, useSources } from '../stores/sources';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { useListSelection } from '../keyboard/use-list-selection';
import { useApp } from '../stores/app';
import { FreshBadge, freshSummary, freshText, KIND_LABEL, ProgressBar, StatusBadge, whyText } from './data-sources/format';
import { SourceDialog } from './data-sources/SourceDialog';
import { BackfillDialog } from './data-sources/BackfillDialog';
import { CsvFilesDialog } from './data-sources/CsvFilesDialog';
import { SeriesSection } from './data-sources/SeriesSection';
import './data-sources.css';

export function DataSourcesView() {
  const { sources, health, jobs, selected, select, refresh, refreshHealth, error } = useSources();
  const [dialog, setDialog] = useState<null | { kind: 'add' } | { kind: 'edit'; id: string } | { kind: 'backfill'; id: string } | { kind: 'csv' }>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const [, setTick] = useState(0);
  const tableRef = useRef<HTMLTableElement>(null);
  const sel = sources.find((s) => s.id === selected) ?? null;

  useEffect(() => {
    void refresh();
    const t = setInterval(() => {
      void refreshHealth();
      setTick((x) => x + 1);
    }, 3000);
    return () => clearInterval(t);
  }, [refresh, refreshHealth]);

  const act = (what: string, f: () => Promise<unknown>) => runAction(what, f, setMsg, refresh);
  const toggle = (s: SourceView) => void act(`${s.enabled ? 'Disable' : 'Enable'} ${s.id}`, () => api.call('market.sources.enable', { id: s.id, enabled: !s.enabled }));

  const idx = sources.findIndex((s) => s.id === selected);
  const list = useListSelection(sources.length, { sel: idx, setSel: (i) => select(sources[i]?.id ?? null) });
  useKeyActions(
    'data',
    [
      keyAction('data.add', () => setDialog({ kind: 'add' })),
      keyAction('data.csv', () => setDialog({ kind: 'csv' })),
      ...(sel && sel.kind !== 'sim' ? [keyAction('data.edit', () => setDialog({ kind: 'edit', id: sel.id }), `Edit ${sel.id}`)] : []),
      ...(sel?.kind === 'ccxt' ? [keyAction('data.backfill', () => setDialog({ kind: 'backfill', id: sel.id }), `Back-fill ${sel.id}`)] : []),
      ...(sel && sel.kind !== 'sim' ? [keyAction('data.toggle', () => toggle(sel), `${sel.enabled ? 'Disable' : 'Enable'} ${sel.id}`)] : []),
    ],
    [sel?.id, sel?.kind, sel?.enabled],
  );

  const onTableKey = (e: React.KeyboardEvent) => {
    if (list.onKey(e)) return;
    if (e.key === ' ' && sel && sel.kind !== 'sim') toggle(sel);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const myJobs = jobs.filter((j) => !sel || sel.kind === 'sim' || j.source === sel.id);
  const h = sel ? health[sel.id] : undefined;

  return (
    <div className="ds-view" data-testid="view-data">
      <div className="ds-head">
        <h2>Data sources</h2>
        <button className="btn primary" onClick={() => setDialog({ kind: 'add' })} data-testid="add-source">
          + Add source
        </button>
        <button className="btn" onClick={() => setDialog({ kind: 'csv' })} data-testid="csv-open">
          Import / export CSV (I)
        </button>
        <span className="muted">N add · Shift+S add series · I import/export · E edit · F back-fill · ↑↓ / j k select · Space enable/disable</span>
        {msg && <span className="muted" data-testid="ds-msg">{msg}</span>}
        {error && <span className="error">{error}</span>}
      </div>
      <div className="ds-scroll">
      <table className="grid ds-table" tabIndex={0} ref={tableRef} onKeyDown={onTableKey} data-testid="sources-table">
        <thead>
          <tr>
            <th>Status</th><th>Source</th><th>Kind</th><th>Symbols</th><th>Timeframes</th><th>Circuit</th><th>Freshness</th>
            <th className="ds-wrap">Last success · latency · req 24 h</th><th>Last error</th><th>On</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => {
            const hh = health[s.id];
            const fr = freshSummary(hh);
            return (
              <tr key={s.id} className={s.id === selected ? 'sel' : ''} onClick={() => select(s.id)} data-testid="source-row" data-source={s.id}>
                <td><StatusBadge status={hh?.status ?? (s.enabled ? undefined : 'disabled')} title={hh ? whyText(hh, Date.now(), hh.circuit) : undefined} /></td>
                <td className="ds-wrap">
                  <strong>{s.label}</strong> <span className="muted">{s.id}</span>
                  {s.simulated && <span className="badge sim ds-sim">SIMULATED</span>}
                </td>
                <td>{s.kind === 'ccxt' ? s.exchange : s.kind}{s.sandbox ? ' · sandbox' : ''}</td>
                <td title={s.symbols.join(', ')}>{s.discovery ? `discovery · top ${s.discovery.top}` : ''}{s.discovery ? ' → ' : ''}{s.symbols.length}</td>
                <td className="ds-wrap">{s.timeframes.join(' ')}</td>
                <td><span className={`circuit c-${hh?.circuit ?? 'closed'}`} data-testid="circuit">{(hh?.circuit ?? 'closed').replace('_', '-')}</span></td>
                <td title={fr.text}><FreshBadge f={fr.worst} title={fr.text} /> <span className="muted">{fr.count}</span></td>
                <td className="ds-wrap">
                  {ago(hh?.lastSuccessAt ?? null)} <span className="muted">· {hh?.latencyMs === null || hh?.latencyMs === undefined ? '—' : `${hh.latencyMs} ms`} · {hh?.requests24h ?? 0}</span>
                </td>
                <td title={hh?.lastError?.message ?? ''} data-testid="last-error">
                  <div className="ds-err">
                    {hh?.backoffUntil ? <span className="warn">backing off {duration(hh.backoffUntil - Date.now())} · </span> : hh?.retryAt && hh.status !== 'healthy' ? <span className="warn">retrying in {duration(hh.retryAt - Date.now())} · </span> : null}
                    {hh?.lastError ? <><span className="err-kind">{hh.lastError.kind}</span> {hh.lastError.message}</> : '—'}
                  </div>
                </td>
                <td className="ds-on">
                  <label className="switch" title={s.kind === 'sim' ? 'The simulated market is always on' : 'Space toggles the selected source'}>
                    <input type="checkbox" checked={s.enabled} disabled={s.kind === 'sim'} onChange={() => toggle(s)} aria-label={`Enable ${s.id}`} data-testid="enable-toggle" />
                    <span />
                  </label>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </div>

      {sel && (
        <section className="ds-detail">
          <div className="ds-detail-head">
            <h3>
              {sel.label} — feeds {h?.closeToEvent ? <span className="muted">· close → candle.closed p50 {h.closeToEvent.p50} ms, p99 {h.closeToEvent.p99} ms (n={h.closeToEvent.n})</span> : null}
            </h3>
            {sel.kind !== 'sim' && <button className="btn" onClick={() => setDialog({ kind: 'edit', id: sel.id })} data-testid="edit-open">Edit (E)</button>}
            {sel.kind === 'ccxt' && <button className="btn" onClick={() => setDialog({ kind: 'backfill', id: sel.id })} data-testid="backfill-open">Back-fill (F)</button>}
            {sel.kind !== 'sim' &&
              (confirmRemove === sel.id ? (
                <button className="btn danger" onClick={() => { setConfirmRemove(null); void act(`Remove ${sel.id}`, () => api.call('market.sources.remove', { id: sel.id })); }}>Confirm remove</button>
              ) : (
                <button className="btn" onClick={() => setConfirmRemove(sel.id)}>Remove…</button>
              ))}
          </div>
          <table className="grid" data-testid="feeds-table">
            <thead>
              <tr><th>Status</th><th>Symbol</th><th>TF</th><th>Freshness</th><th>Newest bar</th><th>Close → event</th><th>Latency</th><th>Req 24 h</th><th>Last error</th><th /></tr>
            </thead>
            <tbody>
              {(h?.feeds ?? []).length === 0 && <tr><td colSpan={10} className="muted">No feeds yet{sel.enabled ? ' (connecting…)' : ' (disabled)'}.</td></tr>}
              {(h?.feeds ?? []).slice(0, 300).map((f) => {
                // A feed held by its source's back-off (the exchange rate-limited another request) says so.
                const held = !f.lastError && h?.backoffUntil ? { ...f, lastError: h.lastError } : f;
                const why = whyText(held, Date.now(), h?.circuit);
                return (
                <tr key={`${f.symbol}|${f.timeframe}`} data-testid="feed-row" data-symbol={f.symbol} data-timeframe={f.timeframe}>
                  <td><StatusBadge status={f.status} title={why} /></td>
                  <td>{f.symbol}</td>
                  <td>{f.timeframe}</td>
                  <td><FreshBadge f={f.freshness} title={freshText(f, why)} /></td>
                  <td>{f.newestBarTs === null ? '—' : new Date(f.newestBarTs).toISOString().replace('T', ' ').slice(0, 16)}</td>
                  <td>{f.closeToEventMs === null ? '—' : `${Math.round(f.closeToEventMs)} ms`}</td>
                  <td>{f.latencyMs === null ? '—' : `${f.latencyMs} ms`}</td>
                  <td>{f.requests24h}</td>
                  <td title={f.status === 'healthy' ? '' : why} data-testid="feed-error"><div className="ds-err wide">{held.lastError && f.status !== 'healthy' ? <><span className="err-kind">{KIND_LABEL[held.lastError.kind]}</span>{f.retryAt && f.retryAt > Date.now() ? <span className="warn"> · retrying in {duration(f.retryAt - Date.now())}</span> : null} {held.lastError.message}</> : '—'}</div></td>
                  <td>
                    <button className="btn ds-small" title="Show this feed on the chart" onClick={() => openChart(sel, f.symbol, f.timeframe)}>Chart</button>
                  </td>
                </tr>
                );
              })}
            </tbody>
          </table>
          {sel.discovered && (
            <div className="ds-discovery" data-testid="discovery">
              <h3>Discovery <span className="muted">refreshed {ago(sel.discovered.refreshedAt)}{sel.discovered.error ? ` · ${sel.discovered.error}` : ''}</span></h3>
              <div className="ds-disc-cols">
                <ul>{sel.discovered.picked.map((p) => <li key={p.symbol}><span className="up">✓</span> {p.symbol} <span className="muted">{p.reason}</span></li>)}</ul>
                <ul>{sel.discovered.rejected.slice(0, 12).map((p) => <li key={p.symbol}><span className="down">✕</span> {p.symbol} <span className="muted">{p.reason}</span></li>)}</ul>
              </div>
            </div>
          )}
        </section>
      )}

      <SeriesSection health={health} onMessage={(m) => setMsg(m)} refreshSources={refresh} />
      <section className="ds-jobs">
        <h3>Back-fills</h3>
        <table className="grid" data-testid="jobs-table">
          <thead>
            <tr><th>#</th><th>Source</th><th>Symbol</th><th>TF</th><th>Range</th><th>Status</th><th className="ds-progress-col">Progress</th><th>Gaps</th><th /></tr>
          </thead>
          <tbody>
            {myJobs.length === 0 && <tr><td colSpan={9} className="muted">No back-fills yet. Select a ccxt source and press F.</td></tr>}
            {myJobs.map((j) => (
              <tr key={j.id} data-testid="job-row" data-status={j.status}>
                <td>{j.id}</td><td>{j.source}</td><td>{j.symbol}</td><td>{j.timeframe}</td>
                <td>{new Date(j.since).toISOString().slice(0, 10)} → {new Date(j.until).toISOString().slice(0, 10)}</td>
                <td className={j.status === 'done' ? 'up' : j.status === 'failed' ? 'down' : 'warn'} title={j.error ?? ''}>{j.status}{j.error ? `: ${j.error}` : ''}</td>
                <td><ProgressBar job={j} /></td>
                <td>{j.gapsRepaired} repaired · {j.knownGaps} known</td>
                <td>{(j.status === 'running' || j.status === 'queued' || j.status === 'repairing') && <button className="btn" onClick={() => void act(`Cancel back-fill ${j.id}`, () => api.call('market.backfill.cancel', { id: j.id }))}>Cancel</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {dialog?.kind === 'add' && <SourceDialog onClose={() => setDialog(null)} onDone={(m) => { setMsg(m); void refresh(); }} />}
      {dialog?.kind === 'edit' && <SourceDialog edit={sources.find((s) => s.id === dialog.id)} onClose={() => setDialog(null)} onDone={(m) => { setMsg(m); void refresh(); }} />}
      {dialog?.kind === 'csv' && (
        <CsvFilesDialog
          source={sel?.id ?? 'sim'}
          symbol={sel?.symbols[0] ?? 'BTC/USDT'}
          timeframe={sel?.timeframes[0] ?? '1h'}
          onClose={() => setDialog(null)}
          onDone={(m) => setMsg(m)}
        />
      )}
      {dialog?.kind === 'backfill' && sources.find((s) => s.id === dialog.id) && (
        <BackfillDialog source={sources.find((s) => s.id === dialog.id)!} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}

/** Points the chart at a source's feed (the chart loads and follows it live) and shows it. */
function openChart(src: SourceView, symbol: string, timeframe: Timeframe): void {
  useApp.setState({ source: src.id, symbols: src.symbols, symbol, timeframe });
  useApp.getState().setView('chart');
}
