/**
 * System health: the figures a trader (or a Prometheus scraper, through serve mode's GET /metrics)
 * watches to know the machine is healthy. Host-thread figures (heartbeat, the host's event loop,
 * process memory) are added by the host; the rest come from the engine thread.
 */
import { command, Empty } from './define';

export interface LoopDelay {
  /** Event-loop delay over the last window (ms): median, 99th percentile and maximum. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface MemoryFigures {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

export type HealthProblemCode = 'heartbeat_stale' | 'event_loop_delay' | 'source_down' | 'db_size' | 'wal_size' | 'delivery_failing' | 'ai_provider_failing';

export interface HealthProblem {
  /** Stable code plus the thing it is about, e.g. `source_down:binance`. */
  key: string;
  code: HealthProblemCode;
  /** What is wrong, in words, e.g. "binance is failed: rate limited". */
  message: string;
  value: number | null;
  threshold: number | null;
  since: number;
}

export interface HealthThresholds {
  eventLoopDelayMs: number;
  heartbeatStaleMs: number;
  dbMaxBytes: number;
  walMaxBytes: number;
  deliveryFailures: number;
}

export interface SystemMetrics {
  /** When these figures were taken (wall clock, ms). */
  at: number;
  status: 'ok' | 'degraded';
  uptimeMs: number;
  engine: {
    alive: boolean;
    lastHeartbeatAgoMs: number;
    /** Times the host started the engine worker again after it died on its own. */
    restarts: number;
    /** The engine thread's own uptime (it restarts on a restore or a settings import). */
    uptimeMs: number;
    eventLoop: LoopDelay;
    heapUsedBytes: number;
    heapTotalBytes: number;
  };
  host: { eventLoop: LoopDelay; memory: MemoryFigures };
  threads: { engine: number; pool: number; poolQueued: number };
  db: { path: string; sizeBytes: number; walBytes: number; schemaVersion: number; tables: Record<string, number> };
  events: { total: number; perSecond: number };
  sources: { total: number; byStatus: Record<string, number>; list: Array<{ source: string; status: string; circuit: string; lastError: string | null }> };
  delivery: { targets: Array<{ target: string; delivered: number; failed: number; retrying: number; dropped: number; healthy: boolean }> };
  ai: { providers: Array<{ id: number; name: string; enabled: boolean; calls: number; errors: number; healthy: boolean }> };
  counters: {
    candlesStored: number;
    signalsByStatus: Record<string, number>;
    intentsByDecision: Record<string, number>;
    deliveriesByStatus: Record<string, number>;
    alertsFired: number;
  };
  problems: HealthProblem[];
  thresholds: HealthThresholds;
}

export const systemMetricsCommands = {
  'system.metrics': command<SystemMetrics>()(
    'System health figures: heartbeat, event-loop delay, threads, memory, database and WAL size, rows per table, events per second, sources, delivery and AI provider health, uptime, counters and current problems.',
    Empty,
  ),
} as const;
