/**
 * The health watch: every few seconds it turns the engine's figures into problems (event-loop
 * delay high, the engine thread stalled, a source down, database or WAL too large, a delivery
 * target failing, an AI provider failing) and hands them to the alerts' System health rule, which
 * fires an alert of kind `health` for each new problem and resolves the ones that cleared.
 */
import type { HealthProblem, HealthThresholds, SystemMetrics } from '../api/commands/system-metrics';
import type { SystemHealthAlerts } from '../alerts/system-health';

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** The problems a set of figures shows (without `since`, which the watch keeps). */
export function findProblems(m: Omit<SystemMetrics, 'problems'>, th: HealthThresholds, stalledMs: number): Array<Omit<HealthProblem, 'since'>> {
  const out: Array<Omit<HealthProblem, 'since'>> = [];
  if (stalledMs > th.heartbeatStaleMs) {
    out.push({ key: 'heartbeat_stale', code: 'heartbeat_stale', message: `The engine thread stalled for ${(stalledMs / 1000).toFixed(1)} s (no heartbeat)`, value: stalledMs, threshold: th.heartbeatStaleMs });
  }
  const loop = m.engine.eventLoop.p99Ms;
  if (loop > th.eventLoopDelayMs) out.push({ key: 'event_loop_delay', code: 'event_loop_delay', message: `Engine event-loop delay is ${loop.toFixed(0)} ms (p99), above ${th.eventLoopDelayMs} ms`, value: loop, threshold: th.eventLoopDelayMs });
  for (const s of m.sources.list) {
    if (s.status !== 'failed' && s.status !== 'circuit_open') continue;
    out.push({ key: `source_down:${s.source}`, code: 'source_down', message: `Source ${s.source} is ${s.status.replace('_', ' ')}${s.lastError ? `: ${s.lastError}` : ''}`, value: null, threshold: null });
  }
  if (m.db.sizeBytes > th.dbMaxBytes) out.push({ key: 'db_size', code: 'db_size', message: `The database is ${mb(m.db.sizeBytes)}, above ${mb(th.dbMaxBytes)}`, value: m.db.sizeBytes, threshold: th.dbMaxBytes });
  if (m.db.walBytes > th.walMaxBytes) out.push({ key: 'wal_size', code: 'wal_size', message: `The write-ahead log is ${mb(m.db.walBytes)}, above ${mb(th.walMaxBytes)}`, value: m.db.walBytes, threshold: th.walMaxBytes });
  for (const t of m.delivery.targets) {
    if (t.healthy) continue;
    out.push({ key: `delivery_failing:${t.target}`, code: 'delivery_failing', message: `Delivery to ${t.target} is failing: ${t.failed + t.retrying} failed attempts and none delivered in 15 min`, value: t.failed + t.retrying, threshold: th.deliveryFailures });
  }
  for (const p of m.ai.providers) {
    if (p.healthy) continue;
    out.push({ key: `ai_provider_failing:${p.id}`, code: 'ai_provider_failing', message: `AI provider ${p.name} is failing: ${p.errors} errors in ${p.calls} calls`, value: p.errors, threshold: null });
  }
  return out;
}

export class HealthWatch {
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  private stalledMs = 0;
  private running = false;
  private readonly since = new Map<string, number>();
  /** Consecutive checks each problem has been seen in. */
  private readonly seen = new Map<string, number>();
  private startedAt = 0;
  problems: HealthProblem[] = [];
  /** No alert is raised this long after start (start-up work delays the loop); problems are still reported. */
  graceMs = 30_000;
  /** Checks in a row a slow event loop must be seen in before it raises an alert. */
  confirmLoopChecks = 3;

  constructor(
    private readonly collect: () => Promise<Omit<SystemMetrics, 'problems'>>,
    private readonly alerts: SystemHealthAlerts,
    private readonly wallNow: () => number = Date.now,
    private readonly everyMs = 5_000,
  ) {}

  start(): void {
    this.lastTick = Date.now();
    this.startedAt = Date.now();
    this.timer = setInterval(() => void this.check(), this.everyMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One check: the figures, the problems, and the alerts they raise or resolve. */
  async check(): Promise<HealthProblem[]> {
    if (this.running) return this.problems;
    this.running = true;
    try {
      const t = Date.now();
      // A timer that comes late by more than the stale limit means the engine thread was stuck.
      this.stalledMs = this.lastTick ? Math.max(0, t - this.lastTick - this.everyMs) : 0;
      this.lastTick = t;
      const m = await this.collect();
      const now = this.wallNow();
      const found = findProblems(m, m.thresholds, this.stalledMs);
      const keys = new Set(found.map((p) => p.key));
      for (const k of [...this.since.keys()]) if (!keys.has(k)) this.since.delete(k);
      for (const k of [...this.seen.keys()]) if (!keys.has(k)) this.seen.delete(k);
      for (const k of keys) this.seen.set(k, (this.seen.get(k) ?? 0) + 1);
      this.problems = found.map((p) => ({ ...p, since: this.since.get(p.key) ?? (this.since.set(p.key, now), now) }));
      if (Date.now() - this.startedAt >= this.graceMs) {
        // A slow loop must last; everything else (a stall already lasted) is raised at once. Open alerts of a
        // problem still being confirmed stay open.
        const confirmed = this.problems.filter((p) => p.code !== 'event_loop_delay' || (this.seen.get(p.key) ?? 0) >= this.confirmLoopChecks);
        const pending = this.problems.filter((p) => !confirmed.includes(p));
        this.alerts.update(confirmed, now, pending.map((p) => p.key));
      }
      return this.problems;
    } catch (e) {
      console.error('[health] check failed:', e);
      return this.problems;
    } finally {
      this.running = false;
    }
  }
}
