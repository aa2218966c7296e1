/** The health watch's rules: which figures are problems, with their thresholds (engine/system/health-watch.ts). */
import { describe, expect, it } from 'vitest';
import type { SystemMetrics } from '../../engine/api';
import { findProblems } from '../../engine/system/health-watch';
import { DEFAULT_THRESHOLDS } from '../../engine/system/metrics';

function healthy(): Omit<SystemMetrics, 'problems'> {
  const loop = { p50Ms: 1, p99Ms: 5, maxMs: 9 };
  return {
    at: 0,
    status: 'ok',
    uptimeMs: 1000,
    engine: { alive: true, lastHeartbeatAgoMs: 0, restarts: 0, uptimeMs: 1000, eventLoop: loop, heapUsedBytes: 1, heapTotalBytes: 2 },
    host: { eventLoop: loop, memory: { rssBytes: 1, heapUsedBytes: 1, heapTotalBytes: 1, externalBytes: 1 } },
    threads: { engine: 1, pool: 0, poolQueued: 0 },
    db: { path: '/x', sizeBytes: 1000, walBytes: 1000, schemaVersion: 16, tables: {} },
    events: { total: 0, perSecond: 0 },
    sources: { total: 1, byStatus: { healthy: 1 }, list: [{ source: 'sim', status: 'healthy', circuit: 'closed', lastError: null }] },
    delivery: { targets: [{ target: 'desktop', delivered: 3, failed: 0, retrying: 0, dropped: 0, healthy: true }] },
    ai: { providers: [{ id: 1, name: 'gpt', enabled: true, calls: 10, errors: 1, healthy: true }] },
    counters: { candlesStored: 0, signalsByStatus: {}, intentsByDecision: {}, deliveriesByStatus: {}, alertsFired: 0 },
    thresholds: DEFAULT_THRESHOLDS,
  };
}

describe('findProblems', () => {
  it('finds none on healthy figures', () => {
    expect(findProblems(healthy(), DEFAULT_THRESHOLDS, 0)).toEqual([]);
  });

  it('names each problem with its value and threshold', () => {
    const m = healthy();
    m.engine.eventLoop = { p50Ms: 900, p99Ms: 2500, maxMs: 3000 };
    m.sources.list.push({ source: 'binance', status: 'circuit_open', circuit: 'open', lastError: 'rate limited' });
    m.db.sizeBytes = DEFAULT_THRESHOLDS.dbMaxBytes + 1;
    m.db.walBytes = DEFAULT_THRESHOLDS.walMaxBytes + 1;
    m.delivery.targets.push({ target: 'telegram', delivered: 0, failed: 6, retrying: 0, dropped: 0, healthy: false });
    m.ai.providers.push({ id: 2, name: 'local', enabled: true, calls: 4, errors: 4, healthy: false });
    const p = findProblems(m, DEFAULT_THRESHOLDS, 7000);
    expect(p.map((x) => x.key)).toEqual(['heartbeat_stale', 'event_loop_delay', 'source_down:binance', 'db_size', 'wal_size', 'delivery_failing:telegram', 'ai_provider_failing:2']);
    expect(p.find((x) => x.code === 'event_loop_delay')).toMatchObject({ value: 2500, threshold: 1000, message: 'Engine event-loop delay is 2500 ms (p99), above 1000 ms' });
    expect(p.find((x) => x.code === 'source_down')!.message).toBe('Source binance is circuit open: rate limited');
    expect(p.find((x) => x.code === 'heartbeat_stale')!.message).toBe('The engine thread stalled for 7.0 s (no heartbeat)');
  });

  it('uses the thresholds it is given', () => {
    const m = healthy();
    expect(findProblems(m, { ...DEFAULT_THRESHOLDS, walMaxBytes: 999 }, 0).map((x) => x.code)).toEqual(['wal_size']);
    expect(findProblems(m, { ...DEFAULT_THRESHOLDS, eventLoopDelayMs: 4 }, 0).map((x) => x.code)).toEqual(['event_loop_delay']);
  });
});
