/**
 * The host thread's part of system.metrics: its heartbeat view of the engine, its own event-loop
 * delay and the process memory. When the engine is not answering, the host still answers with
 * its own figures and a `heartbeat_stale` problem instead of waiting on a stuck thread.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { HealthResult } from '../api/contract';
import type { LoopDelay, SystemMetrics } from '../api/commands/system-metrics';
import { DEFAULT_THRESHOLDS } from '../system/metrics';

const ms = (ns: number): number => (Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0);

/** The host loop's delay over rolling windows. */
export class HostLoop {
  private readonly h: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private last: LoopDelay = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  private timer: NodeJS.Timeout | null = null;

  start(windowMs = 5_000): void {
    if (this.timer) return;
    this.h.enable();
    this.timer = setInterval(() => {
      this.last = this.read();
      this.h.reset();
    }, windowMs);
    this.timer.unref?.();
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.h.disable();
  }
  private read(): LoopDelay {
    return this.h.count ? { p50Ms: ms(this.h.percentile(50)), p99Ms: ms(this.h.percentile(99)), maxMs: ms(this.h.max) } : { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  }
  delay(): LoopDelay {
    return this.last.maxMs > 0 || this.h.count === 0 ? this.last : this.read();
  }
}

function hostMemory(): SystemMetrics['host']['memory'] {
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external };
}

/** The engine's figures with the host's added. */
export function withHostFigures(m: SystemMetrics, health: HealthResult, loop: HostLoop): SystemMetrics {
  const stale = health.engine.lastHeartbeatAgoMs > m.thresholds.heartbeatStaleMs;
  const problems = stale && !m.problems.some((p) => p.code === 'heartbeat_stale')
    ? [...m.problems, { key: 'heartbeat_stale', code: 'heartbeat_stale' as const, message: `No engine heartbeat for ${(health.engine.lastHeartbeatAgoMs / 1000).toFixed(1)} s`, value: health.engine.lastHeartbeatAgoMs, threshold: m.thresholds.heartbeatStaleMs, since: Date.now() - health.engine.lastHeartbeatAgoMs }]
    : m.problems;
  return {
    ...m,
    status: health.status === 'ok' && problems.length === 0 ? 'ok' : 'degraded',
    uptimeMs: health.uptimeMs,
    engine: { ...m.engine, alive: health.engine.alive, lastHeartbeatAgoMs: health.engine.lastHeartbeatAgoMs, restarts: health.engine.restarts },
    host: { eventLoop: loop.delay(), memory: hostMemory() },
    problems,
  };
}

/** What the host can say alone while the engine is not answering (stuck, restarting or stopped). */
export function hostOnlyMetrics(health: HealthResult, loop: HostLoop, why: string): SystemMetrics {
  const none = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const now = Date.now();
  return {
    at: now,
    status: 'degraded',
    uptimeMs: health.uptimeMs,
    engine: { alive: false, lastHeartbeatAgoMs: health.engine.lastHeartbeatAgoMs, restarts: health.engine.restarts, uptimeMs: 0, eventLoop: none, heapUsedBytes: 0, heapTotalBytes: 0 },
    host: { eventLoop: loop.delay(), memory: hostMemory() },
    threads: { engine: 0, pool: 0, poolQueued: 0 },
    db: { path: '', sizeBytes: 0, walBytes: 0, schemaVersion: 0, tables: {} },
    events: { total: 0, perSecond: 0 },
    sources: { total: 0, byStatus: {}, list: [] },
    delivery: { targets: [] },
    ai: { providers: [] },
    counters: { candlesStored: 0, signalsByStatus: {}, intentsByDecision: {}, deliveriesByStatus: {}, alertsFired: 0 },
    problems: [{ key: 'heartbeat_stale', code: 'heartbeat_stale', message: `The engine is not answering: ${why}`, value: health.engine.lastHeartbeatAgoMs, threshold: DEFAULT_THRESHOLDS.heartbeatStaleMs, since: now - health.engine.lastHeartbeatAgoMs }],
    thresholds: DEFAULT_THRESHOLDS,
  };
}
