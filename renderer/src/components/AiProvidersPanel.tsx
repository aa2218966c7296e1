/**
 * The AI providers that give inbound signals a second opinion: each with its model, state and
 * metrics, enable / disable / remove, and a form to add one (the key goes to the engine once and
 * is never shown again). Shown in the Inbound view and in Settings → AI providers.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AiProvider } from '../../../engine/api';
import { api } from '../api/client';
import '../views/InboundView.css';

const EMPTY = { name: '', baseUrl: '', model: '', apiKey: '' };

export function AiProvidersPanel({ report }: { report(message: string): void }) {
  const [providers, setProviders] = useState<AiProvider[]>([]);
  const [prov, setProv] = useState(EMPTY);

  const refresh = useCallback(async () => {
    try {
      setProviders(await api.call('ai.providers.list', {}));
    } catch (err) {
      report(`Loading the AI providers failed: ${(err as Error).message}`);
    }
  }, [report]);

  useEffect(() => {
    void refresh();
    // An inbound event may have asked the providers: their metrics move.
    return api.subscribe('intake.event', () => void refresh());
  }, [refresh]);

  const act = async (ok: string, f: () => Promise<unknown>, failed: string) => {
    try {
      await f();
      report(ok);
    } catch (e) {
      report(`${failed}: ${(e as Error).message}`);
    }
    void refresh();
  };

  return (
    <div data-testid="ai-providers">
      {providers.length === 0 && <p className="muted">No AI provider yet: inbound signals are checked by their rules only.</p>}
      {providers.map((p) => (
        <div key={p.id} className="inbound-provider" data-testid="provider-row">
          <strong>{p.name}</strong> <span className="muted">{p.model} · {p.enabled ? 'enabled' : 'disabled'} · key {p.hasApiKey ? 'stored' : 'none'}</span>
          <div className="muted">
            calls {p.metrics.calls} · p50 {fmtMs(p.metrics.latencyP50Ms)} ms · p95 {fmtMs(p.metrics.latencyP95Ms)} ms · tokens {p.metrics.tokens} · errors {p.metrics.errors} · invalid {p.metrics.invalidOutputs}
          </div>
          <button className="btn" onClick={() => void act(`Provider "${p.name}" ${p.enabled ? 'disabled' : 'enabled'}`, () => api.call('ai.providers.update', { id: p.id, enabled: !p.enabled }), 'Changing the provider failed')}>
            {p.enabled ? 'Disable' : 'Enable'}
          </button>{' '}
          <button className="btn danger" onClick={() => void act(`Provider "${p.name}" removed`, () => api.call('ai.providers.delete', { id: p.id }), 'Removing the provider failed')}>
            Remove
          </button>
        </div>
      ))}
      <form
        className="inbound-form wrap"
        onSubmit={(e) => {
          e.preventDefault();
          void act(
            `Provider "${prov.name}" added`,
            () => api.call('ai.providers.create', { name: prov.name, baseUrl: prov.baseUrl, model: prov.model, ...(prov.apiKey ? { apiKey: prov.apiKey } : {}) }).then(() => setProv(EMPTY)),
            'Adding the provider failed',
          );
        }}
      >
        <input placeholder="Name" aria-label="Provider name" value={prov.name} onChange={(e) => setProv({ ...prov, name: e.target.value })} />
        <input placeholder="https://api.example.com/v1" aria-label="Base URL" value={prov.baseUrl} onChange={(e) => setProv({ ...prov, baseUrl: e.target.value })} />
        <input placeholder="Model" aria-label="Model" value={prov.model} onChange={(e) => setProv({ ...prov, model: e.target.value })} />
        <input placeholder="API key (optional)" type="password" aria-label="API key" value={prov.apiKey} onChange={(e) => setProv({ ...prov, apiKey: e.target.value })} />
        <button className="btn" type="submit" disabled={!prov.name || !prov.baseUrl || !prov.model}>
          Add provider
        </button>
      </form>
    </div>
  );
}

function fmtMs(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 1 ? 1 : 3 });
}
