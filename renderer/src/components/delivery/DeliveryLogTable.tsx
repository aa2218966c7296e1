/** The delivery log: every attempt, newest first, filtered by target and status; live. */
import { useEffect, useState } from 'react';
import { DELIVERY_STATUSES, type DeliveryAttempt, type DeliveryStatus } from '../../../../engine/api';
import { api } from '../../api/client';

const ms = (v: number): string => (v < 1000 ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : `${(v / 1000).toFixed(1)} s`);

export function DeliveryLogTable() {
  const [rows, setRows] = useState<DeliveryAttempt[]>([]);
  const [target, setTarget] = useState('');
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const load = async () => setRows(await api.call('delivery.logs', { limit: 200, ...(target ? { target } : {}), ...(status ? { status } : {}) }));
  useEffect(() => {
    void load();
    return api.subscribe('delivery.attempt', (a) => {
      if ((!target || a.target === target) && (!status || a.status === status)) setRows((cur) => [a, ...cur].slice(0, 200));
    });
  }, [target, status]);
  return (
    <section className="settings-card" data-testid="delivery-log" aria-labelledby="dl-title">
      <h3 id="dl-title">Delivery log</h3>
      <div className="settings-actions">
        <label>
          Target{' '}
          <input value={target} onChange={(e) => setTarget(e.target.value.trim())} placeholder="desktop, telegram, webhook:1" data-testid="dl-target" />
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')} data-testid="dl-status">
            <option value="">all</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {rows.length === 0 ? (
        <p className="muted">No delivery attempts{target || status ? ' match these filters' : ' yet'}.</p>
      ) : (
        <div className="dl-scroll">
          <table className="grid" data-testid="dl-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Target</th>
                <th>Event</th>
                <th>Ref</th>
                <th>Attempt</th>
                <th>Status</th>
                <th>HTTP / error</th>
                <th>Latency</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{new Date(r.ts).toLocaleTimeString()}</td>
                  <td>{r.target}</td>
                  <td>{r.eventType}</td>
                  <td>{r.ref}</td>
                  <td>{r.attempt}</td>
                  <td>
                    <span className={`badge dl-${r.status}`}>{r.status}</span>
                    {r.nextAttemptAt ? <span className="muted"> next {new Date(r.nextAttemptAt).toLocaleTimeString()}</span> : null}
                  </td>
                  <td className="dl-err" title={r.error ?? ''}>
                    {r.httpStatus ?? ''} {r.error ?? ''}
                  </td>
                  <td className="num">{ms(r.latencyMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
