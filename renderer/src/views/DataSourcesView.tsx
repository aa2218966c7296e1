/**
 * Data sources: every market source with its status badge, circuit state, freshness (relative to
 * each timeframe), last error and enable toggle; the selected source's feeds and discovery picks;
 * back-fill jobs with progress bars and ETA. Keyboard: ↑/↓ select a source, Space enables or
 * disables it, N adds a source, E edits it, F opens the back-fill dialog, Esc closes a dialog.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { TIMEFRAMES, TIMEFRAME_MS, type BackfillJob, type CollectorError, type FeedHealth, type FeedStatus, type Freshness, type SourceHealth, type SourceView, type Timeframe } from '../../../engine/api';
import { api } from '../api/client';
import { runAction } from '../api/act';
import { ago, duration, useSources } from '../stores/sources';
import { usePaletteActions } from '../stores/palette';
import { useApp } from '../stores/app';
import { CsvFilesDialog } from './CsvFilesDialog';
import './data-sources.css';

function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

const STATUS_LABEL: Record<FeedStatus, string> = {
  healthy: 'HEALTHY',
  degraded: 'DEGRADED',
  failed: 'FAILED',
  circuit_open: 'CIRCUIT OPEN',
  disabled: 'DISABLED',
};

const KIND_LABEL: Record<CollectorError['kind'], string> = {
  rate_limit: 'rate limited',
  ddos_protection: 'rate limited (DDoS protection)',
  timeout: 'requests time out',
  network: 'network error',
  exchange_unavailable: 'exchange unavailable',
  bad_response: 'bad answer from the exchange',
  bad_symbol: 'unknown symbol',
  auth: 'authentication failed',
  circuit_open: 'circuit open',
  unknown: 'error',
};

/** "rate limited, retrying in 20 s" — why a feed or source is not healthy, and when it is tried again. */
export function whyText(
  h: { status: FeedStatus; lastError: CollectorError | null; retryAt: number | null; consecutiveFailures: number },
  now = Date.now(),
  circuit?: string,
): string {
  const retry = h.retryAt !== null && h.retryAt > now ? `retrying in ${duration(h.retryAt - now)}` : null;
  switch (h.status) {
    case 'healthy':
      return 'healthy';
    case 'disabled':
      return 'disabled: not collected';
    case 'circuit_open': {
      const why = h.lastError ? `${KIND_LABEL[h.lastError.kind]} (${h.lastError.message})` : 'repeated failures';
      return `circuit ${circuit === 'half_open' ? 'half-open, probing' : 'open'} after ${why}${retry ? `; next probe in ${duration(h.retryAt! - now)}` : ''}`;
    }
    default: {
      const e = h.lastError;
      const why = e ? `${KIND_LABEL[e.kind]}${e.message ? ` (${e.message})` : ''}` : 'errors';
      const tail = retry ?? (e?.kind === 'bad_symbol' || e?.kind === 'auth' ? 'not retried' : h.status === 'failed' ? `${h.consecutiveFailures} failures in a row` : 'recovering');
      return `${h.status}: ${why}, ${tail}`;
    }
  }
}

function freshText(f: FeedHealth, why: string): string {
  const what = `${f.freshness === 'none' ? 'no data yet' : f.freshness}${f.newestBarTs === null ? '' : ` — newest ${f.timeframe} bar ${new Date(f.newestBarTs).toISOString().replace('T', ' ').slice(0, 16)} UTC`}`;
  const healthyButBehind = f.status === 'healthy' && (f.freshness === 'stale' || f.freshness === 'aging') ? ' · the exchange answers but has no newer closed bar' : '';
  return `${what}${f.status === 'healthy' ? healthyButBehind : ` · ${why}`}\nfresh: the latest closed ${f.timeframe} bar is stored · aging: ≤ 3 bars behind · stale: more`;
}

function StatusBadge({ status, title }: { status: FeedStatus | undefined; title?: string }) {
  const s = status ?? 'disabled';
  return (
    <span className={`badge st-${s}`} data-testid="status-badge" data-status={s} title={title}>
      {STATUS_LABEL[s]}
    </span>
  );
}

function FreshBadge({ f, title }: { f: Freshness; title?: string }) {
  return (
    <span className={`fresh fresh-${f}`} title={title} data-testid="freshness" data-freshness={f}>
      ● {f === 'none' ? 'no data' : f}
    </span>
  );
}

/** Worst freshness over a source's feeds, with counts. */
function freshSummary(h: SourceHealth | undefined): { worst: Freshness; text: string; count: string } {
  if (!h || h.feeds.length === 0) return { worst: 'none', text: '—', count: '' };
  const n = { fresh: 0, aging: 0, stale: 0, none: 0 };
  for (const f of h.feeds) n[f.freshness]++;
  const worst: Freshness = n.stale ? 'stale' : n.aging ? 'aging' : n.fresh ? 'fresh' : 'none';
  const parts = (['fresh', 'aging', 'stale', 'none'] as const).filter((k) => n[k]).map((k) => `${n[k]} ${k === 'none' ? 'no data' : k}`);
  return { worst, text: parts.join(' · '), count: `${n.fresh}/${h.feeds.length} fresh` };
}

function ProgressBar({ job }: { job: BackfillJob }) {
  const pct = Math.round(job.progress * 100);
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="backfill-progress">
      <div className={`progress-fill pf-${job.status}`} style={{ width: `${pct}%` }} />
      <span className="progress-text">
        {pct}% · {job.fetched.toLocaleString()} / {job.expected.toLocaleString()} bars
        {job.status === 'running' || job.status === 'queued' ? ` · ETA ${job.etaMs === null ? '…' : duration(job.etaMs)}` : ''}
        {job.candlesPerSec ? ` · ${job.candlesPerSec.toLocaleString()}/s` : ''}
      </span>
    </div>
  );
}

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

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialog || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const k = e.key.toLowerCase();
      if (k === 'n') {
        e.preventDefault();
        setDialog({ kind: 'add' });
      } else if (k === 'e' && sel && sel.kind !== 'sim') {
        e.preventDefault();
        setDialog({ kind: 'edit', id: sel.id });
      } else if (k === 'f' && sel?.kind === 'ccxt') {
        e.preventDefault();
        setDialog({ kind: 'backfill', id: sel.id });
      } else if (k === 'i') {
        e.preventDefault();
        setDialog({ kind: 'csv' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialog, sel]);

  usePaletteActions(
    'data',
    [
      { id: 'data.add', group: 'Data sources', label: 'Add a data source', keys: 'N', run: () => setDialog({ kind: 'add' }) },
      { id: 'data.csv', group: 'Data sources', label: 'Import / export CSV candles', keys: 'I', run: () => setDialog({ kind: 'csv' }) },
      ...(sel && sel.kind !== 'sim' ? [{ id: 'data.edit', group: 'Data sources', label: `Edit ${sel.id}`, keys: 'E', run: () => setDialog({ kind: 'edit', id: sel.id }) }] : []),
      ...(sel?.kind === 'ccxt' ? [{ id: 'data.backfill', group: 'Data sources', label: `Back-fill ${sel.id}`, keys: 'F', run: () => setDialog({ kind: 'backfill', id: sel.id }) }] : []),
    ],
    [sel?.id, sel?.kind],
  );

  const onTableKey = (e: React.KeyboardEvent) => {
    const i = sources.findIndex((s) => s.id === selected);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const j = Math.max(0, Math.min(sources.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
      select(sources[j]?.id ?? null);
    } else if (e.key === ' ' && sel && sel.kind !== 'sim') toggle(sel);
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
        <span className="muted">N add · I import/export · E edit · F back-fill · ↑↓ select · Space enable/disable</span>
        {msg && <span className="muted" data-testid="ds-msg">{msg}</span>}
        {error && <span className="error">{error}</span>}
      </div>
      <div className="ds-scroll">
      <table className="grid ds-table" tabIndex={0} ref={tableRef} onKeyDown={onTableKey} data-testid="sources-table">
        <thead>
          <tr>
            <th>Status</th><th>Source</th><th>Kind</th><th>Symbols</th><th>Timeframes</th><th>Circuit</th><th>Freshness</th>
            <th>Last success · latency · req 24 h</th><th>Last error</th><th>On</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => {
            const hh = health[s.id];
            const fr = freshSummary(hh);
            return (
              <tr key={s.id} className={s.id === selected ? 'sel' : ''} onClick={() => select(s.id)} data-testid="source-row" data-source={s.id}>
                <td><StatusBadge status={hh?.status ?? (s.enabled ? undefined : 'disabled')} title={hh ? whyText(hh, Date.now(), hh.circuit) : undefined} /></td>
                <td>
                  <strong>{s.label}</strong> <span className="muted">{s.id}</span>
                  {s.simulated && <span className="badge sim ds-sim">SIMULATED</span>}
                </td>
                <td>{s.kind === 'ccxt' ? s.exchange : s.kind}{s.sandbox ? ' · sandbox' : ''}</td>
                <td title={s.symbols.join(', ')}>{s.discovery ? `discovery · top ${s.discovery.top}` : ''}{s.discovery ? ' → ' : ''}{s.symbols.length}</td>
                <td>{s.timeframes.join(' ')}</td>
                <td><span className={`circuit c-${hh?.circuit ?? 'closed'}`} data-testid="circuit">{(hh?.circuit ?? 'closed').replace('_', '-')}</span></td>
                <td title={fr.text}><FreshBadge f={fr.worst} title={fr.text} /> <span className="muted">{fr.count}</span></td>
                <td>
                  {ago(hh?.lastSuccessAt ?? null)} <span className="muted">· {hh?.latencyMs === null || hh?.latencyMs === undefined ? '—' : `${hh.latencyMs} ms`} · {hh?.requests24h ?? 0}</span>
                </td>
                <td title={hh?.lastError?.message ?? ''} data-testid="last-error">
                  <div className="ds-err">
                    {hh?.backoffUntil ? <span className="warn">backing off {duration(hh.backoffUntil - Date.now())} · </span> : hh?.retryAt && hh.status !== 'healthy' ? <span className="warn">retrying in {duration(hh.retryAt - Date.now())} · </span> : null}
                    {hh?.lastError ? <><span className="err-kind">{hh.lastError.kind}</span> {hh.lastError.message}</> : '—'}
                  </div>
                </td>
                <td>
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

export function Modal({ title, onClose, children, testid }: { title: string; onClose: () => void; children: React.ReactNode; testid: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select')?.focus();
    // Esc closes even when focus left the dialog (a button that became disabled drops focus).
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="ds-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="ds-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        ref={ref}
        data-testid={testid}
        onKeyDown={(e) => {
          if (e.key !== 'Escape') e.stopPropagation();
        }}
      >
        <div className="ds-dialog-head">
          <h3>{title}</h3>
          <button className="toast-x" onClick={onClose} aria-label="Close">×</button>
        </div>
        {children}
      </div>
    </div>
  );
}

const csv = (s: string): string[] => s.split(/[\s,]+/).map((x) => x.trim().toUpperCase()).filter(Boolean);

function SourceDialog({ edit, onClose, onDone }: { edit?: SourceView; onClose: () => void; onDone: (msg: string) => void }) {
  const { exchanges, loadExchanges } = useSources();
  useEffect(() => void loadExchanges(), [loadExchanges]);
  const [kind, setKind] = useState<'ccxt' | 'replay'>(edit?.kind === 'replay' ? 'replay' : 'ccxt');
  const [id, setId] = useState(edit?.id ?? '');
  const [label, setLabel] = useState(edit?.label ?? '');
  const [exchange, setExchange] = useState(edit?.exchange ?? 'binance');
  const [mode, setMode] = useState<'list' | 'discovery'>(edit?.discovery ? 'discovery' : 'list');
  const [symbols, setSymbols] = useState((edit?.configuredSymbols ?? []).join(', '));
  const [top, setTop] = useState(String(edit?.discovery?.top ?? 20));
  const [quote, setQuote] = useState(edit?.discovery?.quote ?? 'USDT');
  const [minVol, setMinVol] = useState(edit?.discovery?.minQuoteVolume !== undefined ? String(edit.discovery.minQuoteVolume) : '');
  const [include, setInclude] = useState((edit?.discovery?.include ?? []).join(', '));
  const [exclude, setExclude] = useState((edit?.discovery?.exclude ?? []).join(', '));
  const [tfs, setTfs] = useState<Timeframe[]>(edit?.kind === 'ccxt' ? edit.timeframes : ['1m', '1h']);
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const [password, setPassword] = useState('');
  const [sandbox, setSandbox] = useState(edit?.sandbox ?? false);
  const [baseUrl, setBaseUrl] = useState(edit?.baseUrl ?? '');
  const [path, setPath] = useState(edit?.replay?.path ?? '');
  const [rSymbol, setRSymbol] = useState(edit?.replay?.symbol ?? '');
  const [rTf, setRTf] = useState<Timeframe>(edit?.replay?.timeframe ?? '1m');
  const [speed, setSpeed] = useState(String(edit?.replay?.speed ?? 60));
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setErr(null);
    setBusy(true);
    try {
      if (kind === 'ccxt') {
        const discovery =
          mode === 'discovery'
            ? {
                top: Number(top),
                ...(quote ? { quote: quote.toUpperCase() } : {}),
                ...(minVol ? { minQuoteVolume: Number(minVol) } : {}),
                ...(csv(include).length ? { include: csv(include) } : {}),
                ...(csv(exclude).length ? { exclude: csv(exclude) } : {}),
                spotOnly: true,
              }
            : undefined;
        const keys = { ...(apiKey ? { apiKey } : {}), ...(secret ? { secret } : {}), ...(password ? { password } : {}) };
        if (edit) {
          await api.call('market.sources.update', {
            id: edit.id,
            ...(label ? { label } : {}),
            exchange,
            symbols: mode === 'list' ? csv(symbols) : null,
            discovery: discovery ?? null,
            timeframes: tfs,
            sandbox,
            baseUrl: baseUrl || null,
            ...keys,
          });
        } else {
          await api.call('market.sources.add', {
            id,
            kind: 'ccxt',
            exchange,
            ...(label ? { label } : {}),
            ...(mode === 'list' ? { symbols: csv(symbols) } : { discovery }),
            timeframes: tfs,
            ...(sandbox ? { sandbox } : {}),
            ...(baseUrl ? { baseUrl } : {}),
            ...keys,
          });
        }
      } else if (edit) {
        await api.call('market.sources.update', { id: edit.id, ...(label ? { label } : {}), path, symbol: rSymbol.toUpperCase(), timeframe: rTf, speed: Number(speed) });
      } else {
        await api.call('market.sources.add', { id, kind: 'replay', ...(label ? { label } : {}), path, symbol: rSymbol.toUpperCase(), timeframe: rTf, speed: Number(speed) });
      }
      onDone(`${edit ? 'Saved' : 'Added'} ${edit?.id ?? id}`);
      onClose();
    } catch (e2) {
      const x = e2 as Error & { details?: { issues?: Array<{ path: string; message: string }> } };
      setErr(x.details?.issues?.length ? x.details.issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ') : x.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={edit ? `Edit ${edit.id}` : 'Add a data source'} onClose={onClose} testid="source-dialog">
      <form className="ds-form" onSubmit={(e) => void submit(e)}>
        {!edit && (
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value as 'ccxt' | 'replay')} data-testid="f-kind">
              <option value="ccxt">Exchange (ccxt)</option>
              <option value="replay">CSV replay</option>
            </select>
          </label>
        )}
        <label>
          Id
          <input value={id} onChange={(e) => setId(e.target.value)} disabled={!!edit} placeholder="binance" required data-testid="f-id" />
        </label>
        <label>
          Label
          <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="optional" />
        </label>
        {kind === 'ccxt' ? (
          <>
            <label>
              Exchange
              <input list="ccxt-exchanges" value={exchange} onChange={(e) => setExchange(e.target.value.trim().toLowerCase())} required data-testid="f-exchange" />
              <datalist id="ccxt-exchanges">{exchanges.map((x) => <option key={x} value={x} />)}</datalist>
            </label>
            <fieldset className="ds-span">
              <legend>Symbols</legend>
              <label className="ds-radio"><input type="radio" checked={mode === 'list'} onChange={() => setMode('list')} /> Explicit list</label>
              <label className="ds-radio"><input type="radio" checked={mode === 'discovery'} onChange={() => setMode('discovery')} data-testid="f-discovery" /> Discovery: top N by 24h quote volume</label>
              {mode === 'list' ? (
                <input value={symbols} onChange={(e) => setSymbols(e.target.value)} placeholder="BTC/USDT, ETH/USDT" data-testid="f-symbols" />
              ) : (
                <div className="ds-disc-grid">
                  <label>Top N<input type="number" min={1} max={1000} value={top} onChange={(e) => setTop(e.target.value)} data-testid="f-top" /></label>
                  <label>Quote<input value={quote} onChange={(e) => setQuote(e.target.value)} placeholder="USDT" /></label>
                  <label>Min 24h quote volume<input type="number" min={0} value={minVol} onChange={(e) => setMinVol(e.target.value)} placeholder="0" /></label>
                  <label>Include<input value={include} onChange={(e) => setInclude(e.target.value)} placeholder="BTC/USDT" /></label>
                  <label>Exclude<input value={exclude} onChange={(e) => setExclude(e.target.value)} placeholder="USDC/USDT" /></label>
                </div>
              )}
            </fieldset>
            <fieldset className="ds-span">
              <legend>Timeframes</legend>
              {TIMEFRAMES.map((tf) => (
                <label key={tf} className="ds-radio">
                  <input type="checkbox" checked={tfs.includes(tf)} onChange={(e) => setTfs(e.target.checked ? TIMEFRAMES.filter((x) => x === tf || tfs.includes(x)) : tfs.filter((x) => x !== tf))} /> {tf}
                </label>
              ))}
            </fieldset>
            <label>
              API key {edit?.hasKeys && <span className="muted">(stored — blank keeps it)</span>}
              <input type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" placeholder="not needed for market data" />
            </label>
            <label>
              Secret
              <input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" />
            </label>
            <label>
              Password <span className="muted">(some exchanges)</span>
              <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
            </label>
            <label>
              Base URL <span className="muted">(testnet, proxy)</span>
              <input value={baseUrl} onChange={(e) => setBaseUrl(e.target.value.trim())} placeholder="https://testnet.binance.vision" data-testid="f-baseurl" />
            </label>
            <label className="ds-radio"><input type="checkbox" checked={sandbox} onChange={(e) => setSandbox(e.target.checked)} /> Sandbox / testnet mode</label>
          </>
        ) : (
          <>
            <label className="ds-span">
              CSV file (timestamp,open,high,low,close,volume; ms UTC) <span className="muted">— a name in the data folder&apos;s imports/, or an absolute path in an allowed folder (I shows them)</span>
              <span className="csv-file-row">
                <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="btc-1m.csv" required data-testid="f-path" />
                {window.signaldesk?.pickFile && (
                  <button type="button" className="btn" onClick={() => void window.signaldesk!.pickFile!('open').then((p) => p && setPath(p))}>Choose…</button>
                )}
              </span>
            </label>
            <label>Symbol<input value={rSymbol} onChange={(e) => setRSymbol(e.target.value)} placeholder="BTC/USDT" required /></label>
            <label>Timeframe<select value={rTf} onChange={(e) => setRTf(e.target.value as Timeframe)}>{TIMEFRAMES.map((t) => <option key={t}>{t}</option>)}</select></label>
            <label>Speed (× real time)<input type="number" min={0.001} step="any" value={speed} onChange={(e) => setSpeed(e.target.value)} /></label>
          </>
        )}
        {err && <div className="error ds-span" data-testid="dialog-error">{err}</div>}
        <div className="ds-span ds-buttons">
          <button type="button" className="btn" onClick={onClose}>Cancel (Esc)</button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="f-submit">{edit ? 'Save' : 'Add source'} (Enter)</button>
        </div>
      </form>
    </Modal>
  );
}

const toDateInput = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

/** Several jobs as one: summed bars and rates, the ETA of what is left at the combined rate. */
export function combineJobs(list: BackfillJob[]): BackfillJob | null {
  if (list.length === 0) return null;
  if (list.length === 1) return list[0]!;
  const fetched = list.reduce((a, j) => a + j.fetched, 0);
  const expected = list.reduce((a, j) => a + j.expected, 0);
  const rate = list.reduce((a, j) => a + (j.candlesPerSec ?? 0), 0);
  const active = list.some((j) => j.status === 'running' || j.status === 'queued' || j.status === 'repairing');
  const status = active ? 'running' : list.some((j) => j.status === 'failed') ? 'failed' : list.every((j) => j.status === 'canceled') ? 'canceled' : 'done';
  const left = list.filter((j) => j.status !== 'done').reduce((a, j) => a + Math.max(0, j.expected - j.fetched), 0);
  return {
    ...list[0]!,
    status,
    fetched,
    expected,
    progress: expected ? list.reduce((a, j) => a + j.progress * j.expected, 0) / expected : 1,
    candlesPerSec: rate || null,
    etaMs: active && rate > 0 ? Math.round((left / rate) * 1000) : active ? null : 0,
    gapsRepaired: list.reduce((a, j) => a + j.gapsRepaired, 0),
    knownGaps: list.reduce((a, j) => a + j.knownGaps, 0),
    error: list.find((j) => j.error)?.error ?? null,
  };
}

function BackfillDialog({ source, onClose }: { source: SourceView; onClose: () => void }) {
  const jobs = useSources((s) => s.jobs);
  const [symbol, setSymbol] = useState(source.symbols[0] ?? '');
  const [all, setAll] = useState(false);
  const [tf, setTf] = useState<Timeframe>(source.timeframes.includes('1h') ? '1h' : (source.timeframes[0] ?? '1h'));
  const [since, setSince] = useState(toDateInput(Date.now() - 365 * 86_400_000));
  const [untilD, setUntilD] = useState('');
  const [jobIds, setJobIds] = useState<number[]>([]);
  const [err, setErr] = useState<string | null>(null);
  const mine = jobs.filter((j) => jobIds.includes(j.id));
  const job = combineJobs(mine);
  const bars = useMemo(() => {
    const s = Date.parse(since);
    const u = untilD ? Date.parse(untilD) : Date.now();
    return Number.isFinite(s) && Number.isFinite(u) && u > s ? Math.round((u - s) / TIMEFRAME_MS[tf]) : 0;
  }, [since, untilD, tf]);
  const symbols = all ? source.symbols : [symbol];

  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    setErr(null);
    const started: BackfillJob[] = [];
    const failed: string[] = [];
    for (const sym of symbols) {
      try {
        started.push(await api.call('market.backfill', { source: source.id, symbol: sym, timeframe: tf, since: Date.parse(since), ...(untilD ? { until: Date.parse(untilD) } : {}) }));
      } catch (e2) {
        failed.push(symbols.length > 1 ? `${sym}: ${(e2 as Error).message}` : (e2 as Error).message);
      }
    }
    const ids = new Set(started.map((j) => j.id));
    useSources.setState((s) => ({ jobs: [...started, ...s.jobs.filter((x) => !ids.has(x.id))].slice(0, Math.max(50, started.length + 10)) }));
    setJobIds(started.map((j) => j.id));
    if (failed.length) setErr(failed.join(' · '));
  };

  return (
    <Modal title={`Back-fill from ${source.label}`} onClose={onClose} testid="backfill-dialog">
      <form className="ds-form" onSubmit={(e) => void start(e)}>
        <label>
          Symbol
          <input list="bf-symbols" value={all ? `all ${source.symbols.length} symbols` : symbol} disabled={all} onChange={(e) => setSymbol(e.target.value.toUpperCase())} required data-testid="bf-symbol" />
          <datalist id="bf-symbols">{source.symbols.map((s) => <option key={s} value={s} />)}</datalist>
        </label>
        <label>
          Timeframe
          <select value={tf} onChange={(e) => setTf(e.target.value as Timeframe)} data-testid="bf-tf">{TIMEFRAMES.map((t) => <option key={t}>{t}</option>)}</select>
        </label>
        <label className="ds-radio ds-span">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="bf-all" /> Every symbol of this source ({source.symbols.length}), one job each
        </label>
        <label>
          Since (UTC date)
          <input type="date" value={since} onChange={(e) => setSince(e.target.value)} required data-testid="bf-since" />
        </label>
        <label>
          Until <span className="muted">(blank: now)</span>
          <input type="date" value={untilD} onChange={(e) => setUntilD(e.target.value)} />
        </label>
        <div className="ds-span muted">About {(bars * symbols.length).toLocaleString()} bars{symbols.length > 1 ? ` (${symbols.length} × ${bars.toLocaleString()})` : ''}, fetched in pages of up to 1,000; already stored bars are overwritten, never duplicated.</div>
        {job && (
          <div className="ds-span" data-testid="bf-job">
            <ProgressBar job={job} />
            <div className="muted">
              {mine.length > 1 ? `${mine.length} jobs (${mine.filter((j) => j.status === 'done').length} done)` : `Job #${job.id}`}: {job.status}
              {job.status === 'done' ? ` · ${job.fetched.toLocaleString()} bars · ${job.gapsRepaired} repaired · ${job.knownGaps} known gaps` : ''}
              {job.error ? ` · ${job.error}` : ''}
            </div>
          </div>
        )}
        {err && <div className="error ds-span" data-testid="dialog-error">{err}</div>}
        <div className="ds-span ds-buttons">
          <button type="button" className="btn" onClick={onClose}>Close (Esc)</button>
          <button type="submit" className="btn primary" disabled={!!job && job.status !== 'done' && job.status !== 'failed' && job.status !== 'canceled'} data-testid="bf-start">
            Start back-fill (Enter)
          </button>
        </div>
      </form>
    </Modal>
  );
}
