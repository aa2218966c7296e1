/**
 * The engine thread's health figures for system.metrics: its event-loop delay and heap, the pool
 * threads, database and WAL size, rows per table, events per second, sources, delivery and AI
 * provider health, and the counters (candles, signals by status, intents by decision, deliveries
 * by status, alerts fired). The host adds its own figures (heartbeat, its loop, process memory).
 */
import fs from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Database } from '../../db/database';
import type { SourceHealth } from '../api/commands/market';
import type { AiProvider } from '../api/commands/intake';
import type { HealthThresholds, LoopDelay, SystemMetrics } from '../api/commands/system-metrics';
import { SettingsRepo } from '../../db/repos/settings';
import { poolStats } from '../indicators/pool';

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  eventLoopDelayMs: 1000,
  heartbeatStaleMs: 5_000,
  dbMaxBytes: 20 * 1024 ** 3,
  walMaxBytes: 1024 ** 3,
  deliveryFailures: 5,
};
/** Delivery health looks at the attempts of this window. */
export const DELIVERY_WINDOW_MS = 15 * 60_000;

export interface MetricsPorts {
  dbFile: string;
  schemaVersion(): number;
  published(): number;
  sourcesHealth(): Promise<SourceHealth[]>;
  aiProviders(): Promise<AiProvider[]>;
  wallNow(): number;
}

const ms = (ns: number): number => (Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0);

function loopOf(h: IntervalHistogram): LoopDelay {
  return h.count ? { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) } : { p50Ms: 0, p99Ms: 0, maxMs: 0 };
}

function fileSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}

function grouped(db: Database, sql: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of db.prepare(sql).all() as Array<{ k: string; n: number }>) out[r.k] = r.n;
  return out;
}

export class EngineMetrics {
  private readonly loop = monitorEventLoopDelay({ resolution: 20 });
  private lastLoop: LoopDelay = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  private window: NodeJS.Timeout | null = null;
  private rate = { at: 0, count: 0, perSecond: 0 };
  private rows: { at: number; tables: Record<string, number> } | null = null;
  private readonly startedAt = Date.now();
  private readonly settings: SettingsRepo;

  constructor(
    private readonly db: Database,
    private readonly ports: MetricsPorts,
    /** Loop-delay and event-rate window (ms). */
    private readonly windowMs = 5_000,
  ) {
    this.settings = new SettingsRepo(db);
  }

  start(): void {
    this.loop.enable();
    this.rate = { at: Date.now(), count: this.ports.published(), perSecond: 0 };
    this.window = setInterval(() => this.roll(), this.windowMs);
    this.window.unref?.();
  }

  stop(): void {
    if (this.window) clearInterval(this.window);
    this.window = null;
    this.loop.disable();
  }

  private roll(): void {
    this.lastLoop = loopOf(this.loop);
    this.loop.reset();
    const now = Date.now();
    const count = this.ports.published();
    const dt = (now - this.rate.at) / 1000;
    this.rate = { at: now, count, perSecond: dt > 0 ? Math.round(((count - this.rate.count) / dt) * 10) / 10 : 0 };
  }

  /** The engine loop's delay: the last full window, or the current one before the first has passed. */
  eventLoop(): LoopDelay {
    return this.lastLoop.maxMs > 0 || this.loop.count === 0 ? this.lastLoop : loopOf(this.loop);
  }

  thresholds(): HealthThresholds {
    const t = { ...DEFAULT_THRESHOLDS };
    for (const k of Object.keys(t) as Array<keyof HealthThresholds>) {
      const v = this.settings.get<unknown>(`health.${k}`);
      if (typeof v === 'number' && v > 0) t[k] = v;
    }
    return t;
  }

  /** Rows per table, counted at most every 5 s (a large candle table takes a moment). */
  tables(maxAgeMs = 5_000): Record<string, number> {
    const now = Date.now();
    if (this.rows && now - this.rows.at < maxAgeMs) return this.rows.tables;
    const names = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const tables: Record<string, number> = {};
    for (const n of names) tables[n] = this.db.prepare(`SELECT COUNT(*) FROM "${n.replace(/"/g, '""')}"`).pluck().get() as number;
    this.rows = { at: now, tables };
    return tables;
  }

  dbSizes(): { sizeBytes: number; walBytes: number } {
    return { sizeBytes: fileSize(this.ports.dbFile), walBytes: fileSize(`${this.ports.dbFile}-wal`) };
  }

  deliveryTargets(th: HealthThresholds): SystemMetrics['delivery']['targets'] {
    const since = this.ports.wallNow() - DELIVERY_WINDOW_MS;
    const rows = this.db.prepare('SELECT target, status, COUNT(*) AS n FROM delivery_attempts WHERE ts >= ? GROUP BY target, status').all(since) as Array<{ target: string; status: string; n: number }>;
    const by = new Map<string, { target: string; delivered: number; failed: number; retrying: number; dropped: number; healthy: boolean }>();
    for (const r of rows) {
      const t = by.get(r.target) ?? { target: r.target, delivered: 0, failed: 0, retrying: 0, dropped: 0, healthy: true };
      if (r.status === 'delivered' || r.status === 'failed' || r.status === 'retrying' || r.status === 'dropped') t[r.status] += r.n;
      by.set(r.target, t);
    }
    for (const t of by.values()) t.healthy = !(t.failed + t.retrying >= th.deliveryFailures && t.delivered === 0);
    return [...by.values()].sort((a, b) => a.target.localeCompare(b.target));
  }

  private lastCounters: SystemMetrics['counters'] = { candlesStored: 0, signalsByStatus: {}, intentsByDecision: {}, deliveriesByStatus: {}, alertsFired: 0 };

  counters(): SystemMetrics['counters'] {
    const tables = this.tables();
    return (this.lastCounters = {
      candlesStored: tables.candles ?? 0,
      signalsByStatus: grouped(this.db, 'SELECT status AS k, COUNT(*) AS n FROM signals GROUP BY status'),
      intentsByDecision: grouped(this.db, "SELECT COALESCE(decision, 'PENDING') AS k, COUNT(*) AS n FROM order_intents GROUP BY 1"),
      deliveriesByStatus: grouped(this.db, 'SELECT status AS k, COUNT(*) AS n FROM delivery_attempts GROUP BY status'),
      alertsFired: this.db.prepare('SELECT COUNT(*) FROM alerts').pluck().get() as number,
    });
  }

  /**
   * Everything but the problems (the health watch adds them) and the host's figures. `counts`
   * false (the health watch, every 5 s) reuses the last row counts and counters instead of
   * counting again: its rules do not need them, and counting a large store costs the engine time.
   */
  async collect(counts = true): Promise<Omit<SystemMetrics, 'problems'>> {
    const th = this.thresholds();
    const health = await this.ports.sourcesHealth();
    const providers = await this.ports.aiProviders();
    const byStatus: Record<string, number> = {};
    for (const h of health) byStatus[h.status] = (byStatus[h.status] ?? 0) + 1;
    const mem = process.memoryUsage();
    const pool = poolStats();
    const uptimeMs = Date.now() - this.startedAt;
    return {
      at: this.ports.wallNow(),
      status: 'ok',
      uptimeMs,
      engine: { alive: true, lastHeartbeatAgoMs: 0, restarts: 0, uptimeMs, eventLoop: this.eventLoop(), heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal },
      host: { eventLoop: { p50Ms: 0, p99Ms: 0, maxMs: 0 }, memory: { rssBytes: mem.rss, heapUsedBytes: 0, heapTotalBytes: 0, externalBytes: mem.external } },
      threads: { engine: 1, pool: pool.threads, poolQueued: pool.queued },
      db: { path: this.ports.dbFile, ...this.dbSizes(), schemaVersion: this.ports.schemaVersion(), tables: counts ? this.tables() : (this.rows?.tables ?? {}) },
      events: { total: this.ports.published(), perSecond: this.rate.perSecond },
      sources: {
        total: health.length,
        byStatus,
        list: health.map((h) => ({ source: h.source, status: h.status, circuit: h.circuit, lastError: h.lastError?.message ?? null })),
      },
      delivery: { targets: this.deliveryTargets(th) },
      ai: {
        providers: providers.map((p) => ({ id: p.id, name: p.name, enabled: p.enabled, calls: p.metrics.calls, errors: p.metrics.errors, healthy: !p.enabled || p.metrics.errors < 3 || p.metrics.errors < p.metrics.calls })),
      },
      counters: counts ? this.counters() : this.lastCounters,
      thresholds: th,
    };
  }
}
