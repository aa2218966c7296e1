/**
 * Webhooks: add / edit / test / enable. The secret is write-only (sealed by the engine, never
 * shown again); events are contract topic names or `*`.
 */
import { useEffect, useState } from 'react';
import type { Webhook } from '../../../../engine/api';
import { api } from '../../api/client';

interface Draft {
  id: number | null;
  url: string;
  secret: string;
  events: string;
  enabled: boolean;
}
const EMPTY: Draft = { id: null, url: '', secret: '', events: 'signal.created, order.intent', enabled: true };

export function WebhooksPanel({ report }: { report(message: string): void }) {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => setHooks(await api.call('delivery.webhooks.list', {}));
  useEffect(() => void load(), []);

  const save = async () => {
    if (!draft) return;
    setBusy(true);
    const events = draft.events.split(/[\s,]+/).filter(Boolean);
    try {
      if (draft.id === null) {
        const w = await api.call('delivery.webhooks.create', { url: draft.url, secret: draft.secret, events, enabled: draft.enabled });
        report(`Webhook #${w.id} added`);
      } else {
        await api.call('delivery.webhooks.update', { id: draft.id, url: draft.url, events, enabled: draft.enabled, ...(draft.secret ? { secret: draft.secret } : {}) });
        report(`Webhook #${draft.id} saved`);
      }
      setDraft(null);
    } catch (e) {
      report(`Webhook not saved: ${(e as Error).message}`);
    } finally {
      setBusy(false);
      void load();
    }
  };

  const act = async (what: string, f: () => Promise<string>) => {
    setBusy(true);
    try {
      report(await f());
    } catch (e) {
      report(`${what} failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
      void load();
    }
  };

  return (
    <section className="settings-card" data-testid="webhooks-panel" aria-labelledby="wh-title">
      <h3 id="wh-title">
        Webhooks{' '}
        <button className="btn small" onClick={() => setDraft(draft ? null : EMPTY)} data-testid="wh-add">
          {draft ? 'Close' : 'Add webhook'}
        </button>
      </h3>
      <p className="muted">Signed POSTs of {'{id, type, ts, data}'}: verify X-Signaldesk-Signature with your secret (see docs/delivery.md). A channel names a webhook as webhook:&lt;id&gt;.</p>
      {hooks.length === 0 && <p className="muted">No webhooks yet.</p>}
      {hooks.length > 0 && (
        <table className="grid" data-testid="wh-table">
          <thead>
            <tr>
              <th>#</th>
              <th>URL</th>
              <th>Events</th>
              <th>Enabled</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {hooks.map((h) => (
              <tr key={h.id} data-testid={`wh-row-${h.id}`}>
                <td>webhook:{h.id}</td>
                <td className="wh-url">{h.url}</td>
                <td>{h.events.join(', ')}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Webhook ${h.id} enabled`}
                    checked={h.enabled}
                    disabled={busy}
                    onChange={(e) => {
                      const on = e.target.checked;
                      void act('Enable', async () => (await api.call('delivery.webhooks.update', { id: h.id, enabled: on }), `Webhook #${h.id} ${on ? 'enabled' : 'disabled'}`));
                    }}
                    data-testid={`wh-enabled-${h.id}`}
                  />
                </td>
                <td className="nowrap">
                  <button className="btn small" onClick={() => setDraft({ id: h.id, url: h.url, secret: '', events: h.events.join(', '), enabled: h.enabled })} data-testid={`wh-edit-${h.id}`}>
                    Edit
                  </button>{' '}
                  <button
                    className="btn small"
                    disabled={busy}
                    onClick={() =>
                      void act('Test', async () => {
                        const r = await api.call('delivery.webhooks.test', { id: h.id });
                        return r.ok ? `Webhook #${h.id} test: ${r.message}` : `Webhook #${h.id} test failed (${r.reason}): ${r.message}`;
                      })
                    }
                    data-testid={`wh-test-${h.id}`}
                  >
                    Test
                  </button>{' '}
                  <button className="btn small danger" disabled={busy} onClick={() => void act('Delete', async () => (await api.call('delivery.webhooks.delete', { id: h.id }), `Webhook #${h.id} deleted`))} data-testid={`wh-delete-${h.id}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {draft && (
        <form
          className="settings-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          data-testid="wh-form"
        >
          <label>
            URL
            <input value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} placeholder="https://example.com/hooks/signaldesk" data-testid="wh-url" autoFocus />
          </label>
          <label>
            Secret {draft.id !== null && <span className="muted">(stored — type a new one to replace it)</span>}
            <input type="password" autoComplete="off" value={draft.secret} onChange={(e) => setDraft({ ...draft, secret: e.target.value })} data-testid="wh-secret" />
          </label>
          <label>
            Events (topic names, or *)
            <input value={draft.events} onChange={(e) => setDraft({ ...draft, events: e.target.value })} data-testid="wh-events" />
          </label>
          <label className="inline">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} /> Enabled
          </label>
          <div className="settings-actions">
            <button className="btn primary" type="submit" disabled={busy} data-testid="wh-save">
              {draft.id === null ? 'Add' : 'Save'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
