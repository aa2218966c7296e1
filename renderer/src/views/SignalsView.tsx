/**
 * Signals: live feed with filters, the selected signal's levels and reasons, performance per
 * channel and per strategy, channels with their editor, and the global pause switch.
 * Keyboard (feed focused, as it is on opening): ↑/↓ (or j/k) select · A acknowledge · Shift+A all shown ·
 * Z snooze 15 min · E execute (signals.execute) · Enter show on chart. Anywhere in the view:
 * N new channel · P pause/resume · F focus the feed.
 */
import { useEffect, useRef, useState } from 'react';
import type { Channel, PerformanceRow, Signal } from '../../../engine/api';
import { api } from '../api/client';
import { runAction } from '../api/act';
import { executeSignal, SizePreview, useSignalPreview } from '../components/SizePreview';
import { useApp } from '../stores/app';
import { useSignals } from '../stores/signals';
import { useBacktest } from '../stores/backtest';
import { ChannelEditor } from '../components/ChannelEditor';
import { AiOpinions } from '../components/AiOpinions';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { useListSelection } from '../keyboard/use-list-selection';
import '../components/ChannelEditor.css';

const fmt = (v: number): string => {
  const a = Math.abs(v);
  const d = a >= 1000 ? 2 : a >= 1 ? 4 : 6;
  return v.toLocaleString('en-US', { minimumFractionDigits: Math.min(2, d), maximumFractionDigits: d });
};
const time = (t: number): string => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
const pct = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`;

export function SignalsView() {
  const { signals, channels, status, performance, filters, selectedId, editor, error, refresh, setFilters, select, openEditor } = useSignals();
  const app = useApp();
  const [msg, setMsg] = useState<{ text: string; tone: string } | null>(null);
  const feed = useRef<HTMLTableElement>(null);
  const idx = Math.max(0, signals.findIndex((s) => s.id === selectedId));
  const sel: Signal | undefined = signals[idx];

  useEffect(() => {
    void refresh();
    feed.current?.focus();
  }, [refresh]);

  useEffect(() => {
    if (signals.length && (selectedId === null || !signals.some((s) => s.id === selectedId))) select(signals[0]!.id);
  }, [signals, selectedId, select]);

  const act = (what: string, f: () => Promise<unknown>) => runAction(what, f, (text, tone) => setMsg({ text, tone }), () => undefined);
  const togglePause = () => void act(status?.paused ? 'Resume signals' : 'Pause signals', () => api.call('signals.pause', { paused: !status?.paused }).then((s) => useSignals.setState({ status: s })));

  useKeyActions(
    'signals-view',
    [
      keyAction('signals.newChannel', () => openEditor(null)),
      keyAction('signals.pause', togglePause, status?.paused ? 'Resume signals' : 'Pause signals'),
      keyAction('signals.focusFeed', () => feed.current?.focus()),
    ],
    [status?.paused, openEditor],
  );
  const list = useListSelection(signals.length, { sel: idx, setSel: (i) => select(signals[i]?.id ?? null) });

  const showOnChart = (s: Signal) => {
    select(s.id);
    app.setSymbol(s.symbol);
    app.setTimeframe(s.timeframe);
    app.setView('chart');
  };

  const onFeedKey = (e: React.KeyboardEvent) => {
    if (list.onKey(e)) return;
    const k = e.key;
    if (k === 'A') {
      const ids = signals.filter((s) => s.status === 'delivered' || s.status === 'snoozed').map((s) => s.id);
      void act(`Acknowledge ${ids.length} signals`, () => api.call('signals.ack', { ids }));
    } else if (sel && k === 'a') void act(`Acknowledge #${sel.id}`, () => api.call('signals.ack', { id: sel.id }));
    else if (sel && (k === 'z' || k === 'Z')) void act(`Snooze #${sel.id}`, () => api.call('signals.snooze', { id: sel.id, minutes: 15 }));
    else if (sel && (k === 'e' || k === 'E')) void executeSignal(sel.id, (text, tone) => setMsg({ text, tone }));
    else if (sel && k === 'Enter') showOnChart(sel);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  useEffect(() => {
    feed.current?.querySelector('tr.sel')?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  const symbols = [...new Set(signals.map((s) => s.symbol).concat(filters.symbol ? [filters.symbol] : []))].sort();

  return (
    <div className="signals-view" data-testid="view-signals">
      <div className="signals-head">
        <h2>Signals</h2>
        <button className={status?.paused ? 'btn danger' : 'btn'} onClick={togglePause} aria-pressed={status?.paused ?? false} data-testid="signals-pause">
          {status?.paused ? 'Resume signals' : 'Pause signals'}
        </button>
        {status?.paused && <span className="badge paused">PAUSED — signals are stored as rejected, nothing is delivered</span>}
        <button className="btn primary" onClick={() => openEditor(null)} data-testid="new-channel">
          + New channel
        </button>
        <span className="muted">
          ↑↓ select · <kbd>A</kbd> ack (<kbd>Shift+A</kbd> all) · <kbd>Z</kbd> snooze · <kbd>E</kbd> execute · <kbd>Enter</kbd> chart · <kbd>N</kbd> new channel · <kbd>P</kbd> pause · <kbd>F</kbd> feed
        </span>
        {status && (
          <span className="muted" data-testid="signals-status">
            {status.enabledChannels}/{status.channels} channels · {status.featureEngines} series · {status.evaluators} evaluators · {status.tracking} followed
          </span>
        )}
        {msg && (
          <span className={`outcome-${msg.tone === 'ok' ? 'pending' : msg.tone}`} data-testid="signals-msg" data-tone={msg.tone}>
            {msg.text}
          </span>
        )}
        {error && <span className="error">{error}</span>}
      </div>
      <div className="signals-filters" role="group" aria-label="Filters">
        <select aria-label="Channel" value={filters.channel ?? ''} onChange={(e) => setFilters({ channel: e.target.value ? Number(e.target.value) : null })} data-testid="filter-channel">
          <option value="">All channels</option>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <select aria-label="Symbol" value={filters.symbol} onChange={(e) => setFilters({ symbol: e.target.value })} data-testid="filter-symbol">
          <option value="">All symbols</option>
          {symbols.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select aria-label="Status" value={filters.status} onChange={(e) => setFilters({ status: e.target.value as typeof filters.status })} data-testid="filter-status">
          <option value="">Any status</option>
          {['delivered', 'rejected', 'acknowledged', 'snoozed', 'executed'].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <span className="muted">{signals.length} signals</span>
      </div>
      <div className="signals-main">
        <div className="signals-feed">
          <table className="grid" tabIndex={0} ref={feed} onKeyDown={onFeedKey} data-testid="signals-feed" aria-label="Signal feed">
            <thead>
              <tr>
                <th>Bar</th><th>Symbol</th><th>TF</th><th>Side</th><th>Strategy</th><th>Channel</th><th>Entry</th><th>Conf.</th><th>Status</th><th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {signals.length === 0 && (
                <tr>
                  <td colSpan={10} className="muted">
                    No signals yet. {channels.length === 0 ? 'Create a channel (N) to start.' : 'They appear here the moment a bar closes with a signal.'}
                  </td>
                </tr>
              )}
              {signals.map((s) => (
                <tr key={s.id} className={s.id === sel?.id ? 'sel' : ''} onClick={() => select(s.id)} onDoubleClick={() => showOnChart(s)} data-testid="signal-row" data-id={s.id} data-status={s.status}>
                  <td>{time(s.barTime)}</td>
                  <td>{s.symbol}</td>
                  <td>{s.timeframe}</td>
                  <td className={s.side === 'buy' ? 'up' : 'down'}>{s.side.toUpperCase()}</td>
                  <td>{s.strategy}</td>
                  <td>{s.channelName ?? `#${s.channelId}`}</td>
                  <td>{fmt(s.entry)}</td>
                  <td>
                    <span className="conf-bar">
                      <span style={{ width: `${Math.round(s.confidence * 100)}%` }} />
                    </span>
                    {Math.round(s.confidence * 100)}%
                  </td>
                  <td>
                    <span className={`badge ${s.status}`}>{s.status === 'rejected' ? s.rejectReason : s.status}</span>
                  </td>
                  <td className={s.outcome ? (s.outcome.profitPct >= 0 ? 'up' : 'down') : 'muted'}>{s.outcome ? `${s.outcome.result} ${pct(s.outcome.profitPct)}` : s.status === 'rejected' ? '' : 'open'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Detail s={sel} onChart={showOnChart} report={(text, tone) => setMsg({ text, tone })} />
      </div>
      <div className="signals-bottom">
        <section>
          <h3>Channels</h3>
          <ChannelsTable channels={channels} />
        </section>
        <section>
          <h3>Performance {performance ? <span className="muted">· {performance.open} open</span> : null}</h3>
          <PerfTable rows={performance ? [performance.total, ...performance.byChannel] : []} head="Channel" testid="perf-channels" />
          <PerfTable rows={performance?.byStrategy ?? []} head="Strategy" testid="perf-strategies" />
        </section>
      </div>
      {editor.open && <ChannelEditor key={editor.channel?.id ?? 'new'} />}
    </div>
  );
}

function Detail({ s, onChart, report }: { s: Signal | undefined; onChart: (s: Signal) => void; report: (text: string, tone: string) => void }) {
  const { preview, error } = useSignalPreview(s?.id);
  if (!s) return <aside className="signal-detail muted">Select a signal to see its levels and reasons.</aside>;
  const risk = Math.abs(s.entry - s.stopLoss);
  const reward = Math.abs(s.takeProfit - s.entry);
  return (
    <aside className="signal-detail" data-testid="signal-detail" aria-live="polite">
      <h3>
        <span className={s.side === 'buy' ? 'up' : 'down'}>{s.side.toUpperCase()}</span> {s.symbol} <span className="muted">{s.timeframe} · {s.strategy} · #{s.id}</span>
      </h3>
      <div>
        <span className={`badge ${s.status}`}>{s.status}</span> {s.autopilot && <span className="badge paper">AUTOPILOT</span>} <span className="muted">{s.channelName ?? `channel #${s.channelId}`}</span>
      </div>
      {s.status === 'rejected' && (
        <div className="warn" data-testid="signal-reject">
          {s.rejectReason}: {s.rejectDetail}
        </div>
      )}
      <dl className="signal-levels">
        <dt>Entry</dt>
        <dd data-testid="detail-entry">{fmt(s.entry)}</dd>
        <dt>Stop loss</dt>
        <dd className="down">{fmt(s.stopLoss)} <span className="muted">({pct(((s.stopLoss - s.entry) / s.entry) * 100)})</span></dd>
        <dt>Take profit</dt>
        <dd className="up">{fmt(s.takeProfit)} <span className="muted">({pct(((s.takeProfit - s.entry) / s.entry) * 100)})</span></dd>
        <dt>Reward / risk</dt>
        <dd>{risk > 0 ? (reward / risk).toFixed(2) : '—'}</dd>
        <dt>Confidence</dt>
        <dd>{Math.round(s.confidence * 100)}%</dd>
        <dt>Bar</dt>
        <dd>{new Date(s.barTime).toISOString().replace('T', ' ').slice(0, 16)} UTC</dd>
        {s.outcome && (
          <>
            <dt>Outcome</dt>
            <dd className={s.outcome.profitPct >= 0 ? 'up' : 'down'} data-testid="detail-outcome">
              {s.outcome.result} {pct(s.outcome.profitPct)} after {s.outcome.bars} bars
            </dd>
          </>
        )}
      </dl>
      {s.aiReview && (
        <section className="signal-ai" data-testid="signal-ai-review">
          <h4>
            AI review ({s.aiReview.mode === 'gate' ? 'gate: a valid skip rejects' : 'advise: shown only'})
          </h4>
          {s.aiReview.opinions.length === 0 ? <p className="muted">No provider was enabled: no opinion.</p> : <AiOpinions opinions={s.aiReview.opinions} testId="signal-opinions" />}
        </section>
      )}
      <SizePreview preview={preview} error={error} />
      <ul className="signal-reasons" data-testid="signal-reasons">
        {s.reasons.map((r, i) => (
          <li key={i}>{r}</li>
        ))}
      </ul>
      <div className="toast-actions">
        <button className="btn" disabled={s.status === 'rejected'} onClick={() => void api.call('signals.ack', { id: s.id })}>
          Acknowledge <kbd>A</kbd>
        </button>
        <button className="btn" disabled={s.status === 'rejected'} onClick={() => void api.call('signals.snooze', { id: s.id, minutes: 15 })}>
          Snooze <kbd>Z</kbd>
        </button>
        <button className="btn primary" onClick={() => void executeSignal(s.id, report)} data-testid="detail-execute">
          Execute <kbd>E</kbd>
        </button>
        <button className="btn" onClick={() => onChart(s)}>
          Chart <kbd>Enter</kbd>
        </button>
      </div>
    </aside>
  );
}

function ChannelsTable({ channels }: { channels: Channel[] }) {
  const { openEditor, refresh } = useSignals();
  const backtestChannel = (c: Channel): void => {
    useBacktest.getState().fromChannel(c);
    useApp.getState().setView('backtest');
  };
  return (
    <table className="grid" data-testid="channels-table">
      <thead>
        <tr>
          <th>Name</th><th>Strategies</th><th>Symbols</th><th>TF</th><th>Profile</th><th>Min conf.</th><th>Auto</th><th />
        </tr>
      </thead>
      <tbody>
        {channels.length === 0 && (
          <tr>
            <td colSpan={8} className="muted">No channels. Press N to create one.</td>
          </tr>
        )}
        {channels.map((c) => (
          <tr key={c.id} data-testid="channel-row" className={c.enabled ? '' : 'muted'}>
            <td>{c.name}</td>
            <td data-testid="channel-strategies">{c.strategies.map((s) => (s.paused ? `${s.id} (paused)` : s.id)).join(', ')}</td>
            <td>{'discovered' in c.symbols ? `all of ${c.symbols.source} (${c.resolvedSymbols ?? 0})` : c.symbols.symbols.length > 3 ? `${c.symbols.symbols.length} symbols` : c.symbols.symbols.join(', ')}</td>
            <td>{c.timeframe}</td>
            <td>{c.profile ?? '—'}</td>
            <td>{c.minConfidence}</td>
            <td>{c.autopilot ? 'ON' : '—'}</td>
            <td>
              <button className="btn" onClick={() => openEditor(c)} aria-label={`Edit ${c.name}`}>
                Edit
              </button>{' '}
              <button className="btn" onClick={() => backtestChannel(c)} aria-label={`Backtest ${c.name}`} data-testid="backtest-channel">
                Backtest this channel
              </button>{' '}
              <button
                className="btn danger"
                onClick={() => {
                  if (window.confirm(`Delete channel "${c.name}"? Its signals stay.`)) void api.call('signals.channels.delete', { id: c.id }).then(refresh);
                }}
                aria-label={`Delete ${c.name}`}
              >
                Delete
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PerfTable({ rows, head, testid }: { rows: PerformanceRow[]; head: string; testid: string }) {
  return (
    <table className="grid" data-testid={testid}>
      <thead>
        <tr>
          <th>{head}</th><th>Signals</th><th>Win rate</th><th>Avg</th><th>PF</th><th>Expectancy</th><th>W/L/E</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={7} className="muted">No finished outcomes yet.</td>
          </tr>
        )}
        {rows.map((r) => (
          <tr key={r.key} data-testid="perf-row">
            <td>{r.label}</td>
            <td>{r.count}</td>
            <td>{(r.winRate * 100).toFixed(0)}%</td>
            <td className={r.avgProfitPct >= 0 ? 'up' : 'down'}>{pct(r.avgProfitPct)}</td>
            <td>{r.profitFactor === null ? '—' : r.profitFactor.toFixed(2)}</td>
            <td className={r.expectancyPct >= 0 ? 'up' : 'down'}>{pct(r.expectancyPct)}</td>
            <td>
              {r.wins}/{r.losses}/{r.expired}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
