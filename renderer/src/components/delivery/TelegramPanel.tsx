/**
 * Telegram relay settings: bot token (write-only: the engine keeps it sealed and only says
 * whether one is stored), allow-listed chat ids, enabled, a Test button that says plainly what
 * failed, the relay's live status and the count of ignored chats.
 */
import { useEffect, useState } from 'react';
import type { RelayStatus, TelegramSettings } from '../../../../engine/api';
import { api } from '../../api/client';

const STATE_TEXT: Record<RelayStatus['state'], string> = {
  off: 'off',
  connecting: 'connecting…',
  connected: 'connected',
  retrying: 'unreachable — retrying',
  unauthorized: 'refused: bad token',
};

export function TelegramPanel({ report }: { report(message: string): void }) {
  const [s, setS] = useState<TelegramSettings | null>(null);
  const [token, setToken] = useState('');
  const [chats, setChats] = useState('');
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const v = await api.call('delivery.telegram.get', {});
    setS(v);
    setChats(v.chatIds.join(', '));
  };
  useEffect(() => {
    void load();
    return api.subscribe('delivery.status', (status) => setS((cur) => (cur ? { ...cur, status } : cur)));
  }, []);

  const save = async (patch: { enabled?: boolean } = {}) => {
    setBusy(true);
    try {
      const chatIds = chats.split(/[\s,]+/).filter(Boolean);
      const v = await api.call('delivery.telegram.set', { chatIds, ...(token ? { botToken: token } : {}), ...patch });
      setS(v);
      setToken('');
      report(`Telegram settings saved${patch.enabled === undefined ? '' : patch.enabled ? ' — relay on' : ' — relay off'}`);
    } catch (e) {
      report(`Telegram settings not saved: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setBusy(true);
    try {
      const r = await api.call('delivery.telegram.test', {});
      report(r.ok ? `Telegram test: ${r.message}` : `Telegram test failed (${r.reason}): ${r.message}`);
    } catch (e) {
      report(`Telegram test failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  if (!s) return <p className="muted">Loading Telegram settings…</p>;
  const st = s.status;
  return (
    <section className="settings-card" data-testid="telegram-panel" aria-labelledby="tg-title">
      <h3 id="tg-title">Telegram relay</h3>
      <p className="muted">Signals with Acknowledge / Execute / Snooze buttons, FAILED orders, drawdown stages and the kill switch, in your Telegram chats. Commands: /status /positions /orders /signals /performance /pause /resume /stop /start /help.</p>
      <div className="settings-grid">
        <label>
          Bot token {s.hasToken ? <span className="badge ok">stored</span> : <span className="badge">none</span>}
          <input type="password" autoComplete="off" placeholder={s.hasToken ? 'stored — type a new one to replace it' : '123456:ABC-…'} value={token} onChange={(e) => setToken(e.target.value)} data-testid="tg-token" />
        </label>
        <label>
          Allowed chat ids (comma separated)
          <input value={chats} onChange={(e) => setChats(e.target.value)} placeholder="e.g. 123456789" data-testid="tg-chats" />
        </label>
      </div>
      <div className="settings-actions">
        <button className="btn primary" disabled={busy} onClick={() => void save()} data-testid="tg-save">
          Save
        </button>
        <button className="btn" disabled={busy} onClick={() => void save({ enabled: !s.enabled })} data-testid="tg-enable">
          {s.enabled ? 'Turn relay off' : 'Turn relay on'}
        </button>
        <button className="btn" disabled={busy} onClick={() => void test()} data-testid="tg-test">
          Test
        </button>
      </div>
      <dl className="relay-status" data-testid="tg-status">
        <dt>Relay</dt>
        <dd className={`relay-${st.state}`}>
          {STATE_TEXT[st.state]}
          {st.botUsername ? ` as @${st.botUsername}` : ''}
        </dd>
        <dt>Last error</dt>
        <dd>{st.lastError ?? '—'}</dd>
        <dt>Next retry</dt>
        <dd>{st.nextRetryAt ? new Date(st.nextRetryAt).toLocaleTimeString() : '—'}</dd>
        <dt>Queued</dt>
        <dd>{st.queued}</dd>
        <dt>Ignored chats</dt>
        <dd data-testid="tg-ignored">{st.ignoredChats}</dd>
      </dl>
    </section>
  );
}
