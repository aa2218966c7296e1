/** The cards of the System health view: one per area, figures with their units. */
import type { SystemMetrics } from '../../../../engine/api';
import { fmtBytes, fmtCount, fmtDuration, fmtMs, fmtRate } from './format';

function Row({ k, v, tone, id }: { k: string; v: string; tone?: 'ok' | 'bad' | 'warn'; id?: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd className={tone ? `hv-${tone}` : undefined} data-testid={id}>
        {v}
      </dd>
    </>
  );
}

function Card({ title, children, id }: { title: string; children: React.ReactNode; id: string }) {
  return (
    <section className="hv-card" aria-label={title} data-testid={`health-card-${id}`}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

export function EngineCard({ m }: { m: SystemMetrics }) {
  const th = m.thresholds;
  const loopTone = (v: number) => (v > th.eventLoopDelayMs ? 'bad' : v > th.eventLoopDelayMs / 2 ? 'warn' : 'ok');
  return (
    <Card title="Engine" id="engine">
      <dl className="hv-dl">
        <Row k="Engine thread" v={m.engine.alive ? 'running' : 'not answering'} tone={m.engine.alive ? 'ok' : 'bad'} id="health-engine-alive" />
        <Row k="Last heartbeat" v={`${fmtMs(m.engine.lastHeartbeatAgoMs)} ago`} tone={m.engine.lastHeartbeatAgoMs > th.heartbeatStaleMs ? 'bad' : 'ok'} id="health-heartbeat" />
        <Row k="Uptime" v={fmtDuration(m.uptimeMs)} id="health-uptime" />
        <Row k="Engine running for" v={fmtDuration(m.engine.uptimeMs)} />
        <Row k="Started again after a crash" v={m.engine.restarts === 0 ? 'never' : `${m.engine.restarts} ×`} tone={m.engine.restarts === 0 ? 'ok' : 'warn'} id="health-engine-restarts" />
        <Row k="Engine loop delay p50 / p99 / max" v={`${fmtMs(m.engine.eventLoop.p50Ms)} / ${fmtMs(m.engine.eventLoop.p99Ms)} / ${fmtMs(m.engine.eventLoop.maxMs)}`} tone={loopTone(m.engine.eventLoop.p99Ms)} id="health-engine-loop" />
        <Row k="UI thread loop delay p50 / p99 / max" v={`${fmtMs(m.host.eventLoop.p50Ms)} / ${fmtMs(m.host.eventLoop.p99Ms)} / ${fmtMs(m.host.eventLoop.maxMs)}`} tone={loopTone(m.host.eventLoop.p99Ms)} />
        <Row k="Events" v={`${fmtRate(m.events.perSecond)} (${fmtCount(m.events.total)} since start)`} id="health-events" />
      </dl>
    </Card>
  );
}

export function ResourcesCard({ m }: { m: SystemMetrics }) {
  return (
    <Card title="Threads and memory" id="resources">
      <dl className="hv-dl">
        <Row k="Engine worker" v={`${m.threads.engine} thread`} />
        <Row k="Worker pool" v={`${m.threads.pool} thread${m.threads.pool === 1 ? '' : 's'}${m.threads.poolQueued ? `, ${m.threads.poolQueued} queued` : ''}`} id="health-pool" />
        <Row k="Process memory (RSS)" v={fmtBytes(m.host.memory.rssBytes)} id="health-rss" />
        <Row k="UI thread heap" v={`${fmtBytes(m.host.memory.heapUsedBytes)} of ${fmtBytes(m.host.memory.heapTotalBytes)}`} />
        <Row k="Engine heap" v={`${fmtBytes(m.engine.heapUsedBytes)} of ${fmtBytes(m.engine.heapTotalBytes)}`} />
        <Row k="External (buffers)" v={fmtBytes(m.host.memory.externalBytes)} />
      </dl>
    </Card>
  );
}

export function DatabaseCard({ m }: { m: SystemMetrics }) {
  const th = m.thresholds;
  return (
    <Card title="Database" id="database">
      <dl className="hv-dl">
        <Row k="Database file" v={fmtBytes(m.db.sizeBytes)} tone={m.db.sizeBytes > th.dbMaxBytes ? 'bad' : undefined} id="health-db-size" />
        <Row k="Write-ahead log" v={fmtBytes(m.db.walBytes)} tone={m.db.walBytes > th.walMaxBytes ? 'bad' : undefined} id="health-wal-size" />
        <Row k="Schema version" v={String(m.db.schemaVersion)} />
        <Row k="File" v={m.db.path || '—'} />
      </dl>
      <h4>Rows per table</h4>
      <ul className="hv-rows" aria-label="Rows per table">
        {Object.entries(m.db.tables).map(([t, n]) => (
          <li key={t} data-testid={`health-rows-${t}`}>
            <span>{t}</span>
            <span className="num">{fmtCount(n)}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Counts({ rec, empty }: { rec: Record<string, number>; empty: string }) {
  const e = Object.entries(rec);
  if (!e.length) return <span className="muted">{empty}</span>;
  return <>{e.map(([k, n]) => `${k.toLowerCase()} ${fmtCount(n)}`).join(' · ')}</>;
}

export function CountersCard({ m }: { m: SystemMetrics }) {
  const c = m.counters;
  return (
    <Card title="Counters" id="counters">
      <dl className="hv-dl">
        <dt>Candles stored</dt>
        <dd data-testid="health-candles">{fmtCount(c.candlesStored)}</dd>
        <dt>Signals by status</dt>
        <dd data-testid="health-signals">
          <Counts rec={c.signalsByStatus} empty="none yet" />
        </dd>
        <dt>Order intents by decision</dt>
        <dd data-testid="health-intents">
          <Counts rec={c.intentsByDecision} empty="none yet" />
        </dd>
        <dt>Deliveries by status</dt>
        <dd>
          <Counts rec={c.deliveriesByStatus} empty="none yet" />
        </dd>
        <dt>Alerts fired</dt>
        <dd>{fmtCount(c.alertsFired)}</dd>
      </dl>
    </Card>
  );
}

const SOURCE_TONE: Record<string, 'ok' | 'bad' | 'warn'> = { healthy: 'ok', failed: 'bad', circuit_open: 'bad', degraded: 'warn', connecting: 'warn' };

export function ConnectionsCard({ m }: { m: SystemMetrics }) {
  return (
    <Card title="Sources, delivery and AI providers" id="connections">
      <table className="hv-table" aria-label="Sources">
        <thead>
          <tr>
            <th>Source</th>
            <th>Status</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {m.sources.list.map((s) => (
            <tr key={s.source} data-testid={`health-source-${s.source}`}>
              <td>{s.source}</td>
              <td className={`hv-${SOURCE_TONE[s.status] ?? 'muted'}`}>{s.status.replace('_', ' ')}</td>
              <td className="hv-err" title={s.lastError ?? ''}>
                {s.lastError ?? '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Delivery (last 15 min)</h4>
      {m.delivery.targets.length === 0 ? (
        <p className="muted">No delivery attempts in the last 15 minutes.</p>
      ) : (
        <ul className="hv-list">
          {m.delivery.targets.map((t) => (
            <li key={t.target} className={t.healthy ? 'hv-ok' : 'hv-bad'}>
              {t.target}: {t.healthy ? 'working' : 'failing'} — {t.delivered} delivered, {t.failed} failed, {t.retrying} retrying
            </li>
          ))}
        </ul>
      )}
      <h4>AI providers</h4>
      {m.ai.providers.length === 0 ? (
        <p className="muted">No AI provider configured.</p>
      ) : (
        <ul className="hv-list">
          {m.ai.providers.map((p) => (
            <li key={p.id} className={!p.enabled ? 'muted' : p.healthy ? 'hv-ok' : 'hv-bad'}>
              {p.name}: {!p.enabled ? 'off' : p.healthy ? 'working' : 'failing'} — {fmtCount(p.calls)} calls, {fmtCount(p.errors)} errors
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
