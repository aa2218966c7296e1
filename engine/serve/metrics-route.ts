/**
 * GET /metrics in serve mode: system.metrics in Prometheus' text exposition format, through
 * prom-client with one Registry per server (never the global one), so a server can be scraped
 * and graphed with the usual tools. The metric names are listed in docs/system.md.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { SystemMetrics } from '../api/commands/system-metrics';

type Set = (m: SystemMetrics) => void;

export interface MetricsExporter {
  readonly contentType: string;
  render(m: SystemMetrics): Promise<string>;
}

export function createMetricsExporter(): MetricsExporter {
  const registry = new Registry();
  const setters: Set[] = [];
  const gauge = (name: string, help: string, labelNames: string[], set: (g: Gauge, m: SystemMetrics) => void): void => {
    const g = new Gauge({ name, help, labelNames, registers: [registry] });
    setters.push((m) => set(g, m));
  };
  const counter = (name: string, help: string, labelNames: string[], set: (c: Counter, m: SystemMetrics) => void): void => {
    const c = new Counter({ name, help, labelNames, registers: [registry] });
    setters.push((m) => set(c, m));
  };
  const byLabel = (c: Counter, label: string, rec: Record<string, number>): void => {
    for (const [k, v] of Object.entries(rec)) c.inc({ [label]: k }, v);
  };

  gauge('signaldesk_up', '1 when the engine answers and no health problem is open, else 0.', [], (g, m) => g.set(m.status === 'ok' ? 1 : 0));
  gauge('signaldesk_uptime_seconds', 'Seconds since the host started.', [], (g, m) => g.set(m.uptimeMs / 1000));
  gauge('signaldesk_engine_uptime_seconds', 'Seconds since the engine thread last started.', [], (g, m) => g.set(m.engine.uptimeMs / 1000));
  gauge('signaldesk_engine_alive', '1 while the engine thread sends heartbeats.', [], (g, m) => g.set(m.engine.alive ? 1 : 0));
  gauge('signaldesk_engine_restarts', 'Times the host started the engine thread again after it died on its own.', [], (g, m) => g.set(m.engine.restarts));
  gauge('signaldesk_engine_heartbeat_age_seconds', 'Seconds since the last engine heartbeat.', [], (g, m) => g.set(m.engine.lastHeartbeatAgoMs / 1000));
  gauge('signaldesk_event_loop_delay_seconds', 'Event-loop delay over the last window, per thread and statistic (p50, p99, max).', ['thread', 'stat'], (g, m) => {
    for (const [thread, d] of [['engine', m.engine.eventLoop], ['host', m.host.eventLoop]] as const) {
      g.set({ thread, stat: 'p50' }, d.p50Ms / 1000);
      g.set({ thread, stat: 'p99' }, d.p99Ms / 1000);
      g.set({ thread, stat: 'max' }, d.maxMs / 1000);
    }
  });
  gauge('signaldesk_threads', 'Threads by kind: the engine worker and the worker pool.', ['kind'], (g, m) => {
    g.set({ kind: 'engine' }, m.threads.engine);
    g.set({ kind: 'pool' }, m.threads.pool);
  });
  gauge('signaldesk_pool_queued_tasks', 'Tasks waiting for a pool thread.', [], (g, m) => g.set(m.threads.poolQueued));
  gauge('signaldesk_memory_bytes', 'Memory: the process (rss, external), the host heap and the engine heap.', ['kind'], (g, m) => {
    g.set({ kind: 'rss' }, m.host.memory.rssBytes);
    g.set({ kind: 'external' }, m.host.memory.externalBytes);
    g.set({ kind: 'host_heap_used' }, m.host.memory.heapUsedBytes);
    g.set({ kind: 'engine_heap_used' }, m.engine.heapUsedBytes);
  });
  gauge('signaldesk_db_size_bytes', 'Size of the database file.', [], (g, m) => g.set(m.db.sizeBytes));
  gauge('signaldesk_db_wal_size_bytes', 'Size of the write-ahead log.', [], (g, m) => g.set(m.db.walBytes));
  gauge('signaldesk_db_schema_version', 'Schema (migration) version of the database.', [], (g, m) => g.set(m.db.schemaVersion));
  gauge('signaldesk_db_table_rows', 'Rows per table.', ['table'], (g, m) => {
    for (const [table, n] of Object.entries(m.db.tables)) g.set({ table }, n);
  });
  gauge('signaldesk_events_per_second', 'Engine events published per second over the last window.', [], (g, m) => g.set(m.events.perSecond));
  gauge('signaldesk_sources', 'Market sources by feed status.', ['status'], (g, m) => {
    for (const [status, n] of Object.entries(m.sources.byStatus)) g.set({ status }, n);
  });
  gauge('signaldesk_source_up', '1 for a source that is not failed or circuit-open.', ['source', 'status'], (g, m) => {
    for (const s of m.sources.list) g.set({ source: s.source, status: s.status }, s.status === 'failed' || s.status === 'circuit_open' ? 0 : 1);
  });
  gauge('signaldesk_delivery_target_up', '1 for a delivery target that is not failing (last 15 min).', ['target'], (g, m) => {
    for (const t of m.delivery.targets) g.set({ target: t.target }, t.healthy ? 1 : 0);
  });
  gauge('signaldesk_ai_provider_up', '1 for an AI provider that is not failing.', ['provider'], (g, m) => {
    for (const p of m.ai.providers) g.set({ provider: p.name }, p.healthy ? 1 : 0);
  });
  gauge('signaldesk_health_problems', 'Open health problems by code.', ['code'], (g, m) => {
    for (const p of m.problems) g.inc({ code: p.code }, 1);
  });
  counter('signaldesk_candles_stored_total', 'Candles stored.', [], (c, m) => c.inc(m.counters.candlesStored));
  counter('signaldesk_signals_total', 'Signals by status.', ['status'], (c, m) => byLabel(c, 'status', m.counters.signalsByStatus));
  counter('signaldesk_intents_total', 'Order intents by decision (PENDING until decided).', ['decision'], (c, m) => byLabel(c, 'decision', m.counters.intentsByDecision));
  counter('signaldesk_deliveries_total', 'Delivery attempts by status.', ['status'], (c, m) => byLabel(c, 'status', m.counters.deliveriesByStatus));
  counter('signaldesk_alerts_fired_total', 'Alerts fired.', [], (c, m) => c.inc(m.counters.alertsFired));
  counter('signaldesk_events_total', 'Engine events published since the engine started.', [], (c, m) => c.inc(m.events.total));

  let busy: Promise<string> = Promise.resolve('');
  return {
    contentType: registry.contentType,
    render(m) {
      // Scrapes are serialised: each resets the registry and sets every figure from one snapshot.
      const run = busy.then(async () => {
        registry.resetMetrics();
        for (const s of setters) s(m);
        return registry.metrics();
      });
      busy = run.catch(() => '');
      return run;
    },
  };
}
