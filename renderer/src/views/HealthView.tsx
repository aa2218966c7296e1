/**
 * System health: the engine's heartbeat and event-loop delay, threads, memory, database and WAL
 * size, rows per table, events per second, sources, delivery and AI providers, uptime, counters,
 * and the problems that raise `health` alerts — refreshed every 2 s while the view is open.
 */
import { useCallback, useEffect, useState } from 'react';
import type { SystemMetrics } from '../../../engine/api';
import { api } from '../api/client';
import { ConnectionsCard, CountersCard, DatabaseCard, EngineCard, ResourcesCard } from './health/HealthCards';
import { fmtTime } from './health/format';
import './health.css';

export const HEALTH_REFRESH_MS = 2000;

export function HealthView() {
  const [m, setM] = useState<SystemMetrics | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setM(await api.call('system.metrics', {}));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    void load();
    const t = setInterval(() => {
      if (document.visibilityState !== 'hidden') void load();
    }, HEALTH_REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);

  return (
    <div className="health-view" data-testid="view-health">
      <div className="hv-head">
        <h2>System health</h2>
        {m && (
          <span className={`hv-status ${m.status === 'ok' ? 'hv-status-ok' : 'hv-status-bad'}`} role="status" data-testid="health-status">
            {m.status === 'ok' ? 'Healthy' : `Degraded: ${m.problems.length} problem${m.problems.length === 1 ? '' : 's'}`}
          </span>
        )}
        {m && (
          <span className="muted" data-testid="health-updated">
            updated {fmtTime(m.at)} · every {HEALTH_REFRESH_MS / 1000} s
          </span>
        )}
        {error && <span className="error">Could not read the figures: {error}</span>}
      </div>
      {m && m.problems.length > 0 && (
        <ul className="hv-problems" aria-label="Problems" data-testid="health-problems">
          {m.problems.map((p) => (
            <li key={p.key}>
              <strong>{p.code.replace(/_/g, ' ')}</strong>: {p.message} <span className="muted">(since {fmtTime(p.since)}; raised as a health alert)</span>
            </li>
          ))}
        </ul>
      )}
      {!m && !error && <p className="muted">Reading the figures…</p>}
      {m && (
        <div className="hv-grid">
          <EngineCard m={m} />
          <ResourcesCard m={m} />
          <CountersCard m={m} />
          <ConnectionsCard m={m} />
          <DatabaseCard m={m} />
        </div>
      )}
    </div>
  );
}
