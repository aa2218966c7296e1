/**
 * Inbound signals: sources with their webhook URL and a copyable TradingView alert
 * template, recent events with status and timeline (and the AI opinions beside the signal), the
 * dead-letter queue with retry / discard, and the AI providers with their metrics.
 * Keyboard: N focuses the new-source name · ↑/↓ in the events table select · R refresh.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IntakeEvent, IntakeListenerSettings, IntakeSource } from '../../../engine/api';
import { api } from '../api/client';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { useListSelection } from '../keyboard/use-list-selection';
import { tradingViewTemplate } from './inbound-template';
import { AiProvidersPanel } from '../components/AiProvidersPanel';
import { AiOpinions } from '../components/AiOpinions';
import './InboundView.css';

const time = (t: number): string => new Date(t).toISOString().slice(11, 23);

export function InboundView() {
  const [sources, setSources] = useState<IntakeSource[]>([]);
  const [events, setEvents] = useState<IntakeEvent[]>([]);
  const [dlq, setDlq] = useState<IntakeEvent[]>([]);
  const [listener, setListener] = useState<IntakeListenerSettings | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [secret, setSecret] = useState<{ id: number; secret: string } | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [aiReview, setAiReview] = useState<'off' | 'advise' | 'gate'>('off');
  const nameRef = useRef<HTMLInputElement>(null);
  const eventsRef = useRef<HTMLTableElement>(null);

  const refresh = useCallback(async () => {
    try {
      const [s, e, d, l] = await Promise.all([
        api.call('intake.sources.list', {}),
        api.call('intake.events.list', { limit: 50 }),
        api.call('intake.dlq.list', {}),
        api.call('intake.listener.get', {}),
      ]);
      setListener(l);
      setSources(s);
      setEvents(e);
      setDlq(d);
    } catch (err) {
      setMsg(`Loading inbound data failed: ${(err as Error).message}`);
    }
  }, []);

  useEffect(() => {
    void refresh();
    const off = api.subscribe('intake.event', () => void refresh());
    return off;
  }, [refresh]);

  useKeyActions(
    'inbound',
    [
      keyAction('inbound.newSource', () => nameRef.current?.focus()),
      keyAction('inbound.refresh', () => void refresh()),
    ],
    [refresh],
  );

  const act = async (ok: string, f: () => Promise<unknown>, failed: string) => {
    try {
      await f();
      setMsg(ok);
    } catch (e) {
      setMsg(`${failed}: ${(e as Error).message}`);
    }
    void refresh();
  };

  const create = () =>
    void act(
      `Source "${name}" created; copy its secret now, it is shown once`,
      async () => {
        const s = await api.call('intake.sources.create', { name, aiReview });
        setSecret({ id: s.id, secret: s.secret });
        setName('');
      },
      'Creating the source failed',
    );

  const sel = events.find((e) => e.id === selected) ?? events[0];
  const idx = sel ? events.indexOf(sel) : -1;
  const list = useListSelection(events.length, { sel: idx, setSel: (i) => setSelected(events[i]?.id ?? null) });
  const onEventsKey = (e: React.KeyboardEvent) => void list.onKey(e);
  const base = window.location.origin;

  return (
    <div className="inbound-view" data-testid="view-inbound">
      <div className="toolbar">
        <strong>Inbound signals</strong>
        <span className="muted">
          <kbd>N</kbd> new source · <kbd>↑</kbd>/<kbd>↓</kbd> events · <kbd>R</kbd> refresh
        </span>
        {msg && (
          <span className="inbound-msg" data-testid="inbound-msg" role="status">
            {msg}
          </span>
        )}
      </div>
      <div className="inbound-grid">
        <section className="inbound-panel">
          <h3>Sources</h3>
          <form
            className="inbound-form"
            onSubmit={(e) => {
              e.preventDefault();
              create();
            }}
          >
            <input ref={nameRef} placeholder="Source name (e.g. TradingView BTC)" value={name} onChange={(e) => setName(e.target.value)} data-testid="src-name" aria-label="Source name" />
            <select value={aiReview} onChange={(e) => setAiReview(e.target.value as typeof aiReview)} aria-label="AI review" data-testid="src-ai">
              <option value="off">AI review off</option>
              <option value="advise">AI advises</option>
              <option value="gate">AI gates</option>
            </select>
            <button className="btn primary" type="submit" disabled={!name.trim()} data-testid="src-create">
              Create
            </button>
          </form>
          {listener && (
            <label className="inbound-listener" title="Desktop app: a 127.0.0.1 listener for webhooks only (serve mode always answers /api/intake/<id> on its own port)">
              <input
                type="checkbox"
                checked={listener.enabled}
                data-testid="listener-toggle"
                onChange={(e) =>
                  void act(e.target.checked ? `Loopback listener enabled on port ${listener.port}` : 'Loopback listener disabled', () => api.call('intake.listener.set', { enabled: e.target.checked }), 'Changing the listener failed')
                }
              />{' '}
              Desktop loopback listener on 127.0.0.1:{listener.port} ({listener.enabled ? 'on' : 'off'})
            </label>
          )}
          {sources.length === 0 && <p className="muted">No inbound sources yet. Create one to get a webhook URL for TradingView or your scripts.</p>}
          {sources.map((s) => {
            const url = `${base}${s.endpoint}`;
            const shown = secret?.id === s.id ? secret.secret : null;
            const template = tradingViewTemplate(shown);
            return (
              <div key={s.id} className="inbound-source" data-testid="src-row">
                <div className="inbound-source-head">
                  <strong>{s.name}</strong>
                  <span className="muted">
                    market {s.market} · AI {s.aiReview} · {s.autopilot ? 'autopilot' : 'manual'} · age ≤ {s.gates.maxAgeSeconds} s · drift ≤ {s.gates.maxDriftPct} %
                  </span>
                </div>
                <div className="inbound-url">
                  POST <code data-testid="src-url">{url}</code>
                  <button className="btn" onClick={() => void navigator.clipboard?.writeText(url).then(() => setMsg('Webhook URL copied'), () => setMsg('Copy failed: select the URL and copy it'))}>
                    Copy URL
                  </button>
                </div>
                {shown && (
                  <div className="inbound-secret" data-testid="src-secret">
                    Secret (shown once): <code>{shown}</code>
                  </div>
                )}
                <details>
                  <summary>TradingView alert template</summary>
                  <textarea readOnly className="inbound-template" value={template} rows={9} data-testid="src-template" aria-label="TradingView alert message" />
                  <button className="btn" onClick={() => void navigator.clipboard?.writeText(template).then(() => setMsg('TradingView template copied'), () => setMsg('Copy failed: select the text and copy it'))}>
                    Copy template
                  </button>
                </details>
                <div className="inbound-actions">
                  <button
                    className="btn"
                    onClick={() =>
                      void act('Secret rotated; the old one no longer works', async () => {
                        const r = await api.call('intake.sources.update', { id: s.id, rotateSecret: true });
                        if ('secret' in r) setSecret({ id: s.id, secret: r.secret });
                      }, 'Rotating the secret failed')
                    }
                  >
                    Rotate secret
                  </button>
                  <button className="btn" onClick={() => void act(s.enabled ? `Source "${s.name}" disabled` : `Source "${s.name}" enabled`, () => api.call('intake.sources.update', { id: s.id, enabled: !s.enabled }), 'Changing the source failed')}>
                    {s.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <button className="btn danger" onClick={() => void act(`Source "${s.name}" deleted`, () => api.call('intake.sources.delete', { id: s.id }), 'Deleting the source failed')}>
                    Delete
                  </button>
                </div>
              </div>
            );
          })}
        </section>

        <section className="inbound-panel">
          <h3>Recent events</h3>
          <table className="inbound-table" tabIndex={0} ref={eventsRef} onKeyDown={onEventsKey} data-testid="events-table" aria-label="Inbound events">
            <thead>
              <tr>
                <th>#</th>
                <th>Source</th>
                <th>Symbol</th>
                <th>Side</th>
                <th>Status</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} className={e.id === sel?.id ? 'sel' : ''} onClick={() => setSelected(e.id)} data-testid="event-row">
                  <td>{e.id}</td>
                  <td>{sources.find((s) => s.id === e.sourceId)?.name ?? e.sourceId}</td>
                  <td>{String(e.payload.symbol ?? '')}</td>
                  <td>{String(e.payload.side ?? '')}</td>
                  <td className={`st-${e.status}`}>{e.status}</td>
                  <td>{e.rejectCode ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {sel && (
            <div className="inbound-detail" data-testid="event-detail">
              <h4>
                Event #{sel.id} {sel.signalId !== null && <span className="muted">→ signal #{sel.signalId}</span>}
              </h4>
              <ol className="inbound-timeline" data-testid="event-timeline">
                {sel.timeline.map((t, i) => (
                  <li key={i}>
                    <span className={`st-${t.status}`}>{t.status}</span> <span className="muted">{time(t.at)}</span> {t.detail && <span>— {t.detail}</span>}
                  </li>
                ))}
              </ol>
              {sel.rejectDetail && <p className="error">Rejected ({sel.rejectCode}): {sel.rejectDetail}</p>}
              {sel.error && <p className="error">Failed at {sel.step}: {sel.error}</p>}
              {sel.enrichment && (
                <p className="muted" data-testid="event-enrichment">
                  last {fmtN(sel.enrichment.last)} · bid {fmtN(sel.enrichment.bid)} · ask {fmtN(sel.enrichment.ask)} · spread {fmtN(sel.enrichment.spreadPct)} % · support {fmtN(sel.enrichment.support)} · resistance{' '}
                  {fmtN(sel.enrichment.resistance)} · book imbalance {fmtN(sel.enrichment.imbalance)}
                  {Array.isArray(sel.enrichment.flags) && sel.enrichment.flags.length > 0 && <> · flags {(sel.enrichment.flags as string[]).join(', ')}</>}
                </p>
              )}
              {sel.opinions.length > 0 && <AiOpinions opinions={sel.opinions} testId="event-opinions" />}
            </div>
          )}
        </section>

        <section className="inbound-panel">
          <h3>Dead-letter queue ({dlq.length})</h3>
          {dlq.length === 0 && <p className="muted">Empty: no event failed after its retries.</p>}
          {dlq.map((e) => (
            <div key={e.id} className="inbound-dlq" data-testid="dlq-row">
              #{e.id} {String(e.payload.symbol ?? '')} {String(e.payload.side ?? '')} — failed at {e.step}: {e.error}
              <div className="inbound-actions">
                <button className="btn" onClick={() => void act(`Event #${e.id} retried`, () => api.call('intake.dlq.retry', { id: e.id }), `Retrying event #${e.id} failed`)}>
                  Retry
                </button>
                <button className="btn danger" onClick={() => void act(`Event #${e.id} discarded`, () => api.call('intake.dlq.discard', { id: e.id }), `Discarding event #${e.id} failed`)}>
                  Discard
                </button>
              </div>
            </div>
          ))}
          <h3>AI providers</h3>
          <AiProvidersPanel report={setMsg} />
        </section>
      </div>
    </div>
  );
}

function fmtN(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return v.toLocaleString('en-US', { maximumFractionDigits: a >= 1000 ? 2 : a >= 1 ? 4 : 6 });
}
