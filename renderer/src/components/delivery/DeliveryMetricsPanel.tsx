/** Delivery metrics: per target sent / failed / p50 / p99; per channel ack rate, execution conversion, snooze rate. */
import { useEffect, useState } from 'react';
import type { DeliveryMetrics } from '../../../../engine/api';
import { api } from '../../api/client';

const ms = (v: number | null): string => (v === null ? '—' : v < 1000 ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : `${(v / 1000).toFixed(1)} s`);
const pct = (v: number): string => `${(v * 100).toFixed(0)} %`;

export function DeliveryMetricsPanel() {
  const [m, setM] = useState<DeliveryMetrics | null>(null);
  const load = async () => setM(await api.call('delivery.metrics', {}));
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, []);
  return (
    <section className="settings-card" data-testid="delivery-metrics" aria-labelledby="dm-title">
      <h3 id="dm-title">
        Delivery metrics{' '}
        <button className="btn small" onClick={() => void load()} data-testid="dm-refresh">
          Refresh
        </button>
      </h3>
      {!m || m.targets.length === 0 ? (
        <p className="muted">Nothing delivered yet.</p>
      ) : (
        <table className="grid" data-testid="dm-targets">
          <thead>
            <tr>
              <th>Target</th>
              <th>Sent</th>
              <th>Failed</th>
              <th>Retrying</th>
              <th>Dropped</th>
              <th>p50</th>
              <th>p99</th>
            </tr>
          </thead>
          <tbody>
            {m.targets.map((t) => (
              <tr key={t.target}>
                <td>{t.target}</td>
                <td className="num">{t.sent}</td>
                <td className="num">{t.failed}</td>
                <td className="num">{t.retrying}</td>
                <td className="num">{t.dropped}</td>
                <td className="num">{ms(t.p50LatencyMs)}</td>
                <td className="num">{ms(t.p99LatencyMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {m && m.channels.length > 0 && (
        <table className="grid" data-testid="dm-channels">
          <thead>
            <tr>
              <th>Channel</th>
              <th>Delivered</th>
              <th>Acknowledged</th>
              <th>Executed ÷ delivered</th>
              <th>Snoozed</th>
            </tr>
          </thead>
          <tbody>
            {m.channels.map((c) => (
              <tr key={c.channelId}>
                <td>{c.name}</td>
                <td className="num">{c.delivered}</td>
                <td className="num">{pct(c.acknowledgedRate)}</td>
                <td className="num">{pct(c.executionConversion)}</td>
                <td className="num">{pct(c.snoozeRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
