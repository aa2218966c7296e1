/**
 * The dispatcher: an event for a list of targets becomes one persisted job per target; each
 * target has its own queue (a slow or failing target never delays another, nor the caller);
 * immediate targets (the desktop) are sent synchronously first. Every attempt is logged. Failed
 * attempts that may succeed later (network, 5xx, 429) are retried with exponential back-off,
 * honouring Retry-After, up to MAX_ATTEMPTS over at least ten minutes; pending jobs are loaded
 * again after a restart.
 */
import crypto from 'node:crypto';
import type { DeliveryAttempt } from '../api/commands/delivery';
import type { Bus } from '../core/context';
import type { DeliveryAttemptsRepo, DeliveryJob, DeliveryJobsRepo } from '../../db/repos/delivery';
import type { DeliveryTargetPort, SendResult } from './types';

/** Waits after attempt 1, 2, …: 30 s, 1, 2, 4, 8 min — six attempts over 15.5 minutes. */
export const RETRY_DELAYS_MS = [30_000, 60_000, 120_000, 240_000, 480_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export interface DispatcherOptions {
  /** Wall clock (ms). */
  now: () => number;
  /** Jobs of one target in flight at once. */
  concurrency: number;
  /** How often due retries are looked for (ms); 0: only when `runDue()` is called. */
  tickMs: number;
  /** Runs writes in one transaction (one commit for a dispatch, one per attempt). */
  transaction: <T>(f: () => T) => T;
}

export interface DeliveryEventIn {
  type: string;
  ref: string;
  eventTs: number;
  data: unknown;
}

interface Lane {
  queue: DeliveryJob[];
  inflight: number;
}

export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  /** Jobs waiting for their next attempt, by id. */
  private readonly waiting = new Map<string, DeliveryJob>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly idle = new Set<() => void>();
  /** Inside batch(): attempts to announce after its commit. */
  private held: DeliveryAttempt[] | null = null;

  constructor(
    private readonly repos: { jobs: DeliveryJobsRepo; attempts: DeliveryAttemptsRepo },
    private readonly bus: Bus,
    private readonly resolve: (target: string) => DeliveryTargetPort | undefined,
    private readonly opts: DispatcherOptions,
  ) {}

  /** Loads the jobs a previous run left pending and starts the retry timer. */
  start(): void {
    this.stopped = false;
    for (const j of this.repos.jobs.pending()) this.waiting.set(j.id, j);
    if (this.opts.tickMs > 0) {
      this.timer = setInterval(() => this.runDue(), this.opts.tickMs);
      this.timer.unref?.();
    }
    this.runDue();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Runs several dispatches in one transaction (a burst of signals: one commit, not one each);
   * the attempts they log are announced after that commit, as a single dispatch does.
   */
  batch<T>(f: () => T): T {
    if (this.held) return f();
    const held: DeliveryAttempt[] = [];
    this.held = held;
    let out: T;
    try {
      out = this.opts.transaction(f);
    } finally {
      this.held = null;
    }
    for (const a of held) this.bus.publish('delivery.attempt', a);
    return out;
  }

  /**
   * One job per target, persisted before anything is sent; returns the delivery ids. `holdUntil`
   * holds a target's job (persisted, pending) until that time (quiet hours), e.g. {telegram: t}.
   */
  dispatch(ev: DeliveryEventIn, targets: readonly string[], holdUntil: Readonly<Record<string, number>> = {}): string[] {
    const ids: string[] = [];
    const later: DeliveryJob[] = [];
    const events: DeliveryAttempt[] = [];
    this.opts.transaction(() => {
      for (const target of [...new Set(targets)]) {
        const hold = holdUntil[target];
        const onHold = hold !== undefined && hold > this.opts.now();
        const job: DeliveryJob = { id: crypto.randomUUID(), target, eventType: ev.type, ref: ev.ref, payload: ev.data, eventTs: ev.eventTs, attempts: 0, state: 'pending', nextAt: onHold ? hold : this.opts.now(), createdAt: this.opts.now() };
        this.repos.jobs.insert(job);
        ids.push(job.id);
        const t = this.resolve(target);
        if (onHold) this.waiting.set(job.id, job);
        else if (t?.immediate) this.attemptSync(job, t, events);
        else later.push(job);
      }
    });
    // Published after the commit: nobody hears of an attempt the database does not hold.
    if (this.held) this.held.push(...events);
    else for (const a of events) this.bus.publish('delivery.attempt', a);
    for (const j of later) this.enqueue(j);
    return ids;
  }

  /** Sends now the jobs of `target` held before their first attempt (quiet hours ended early). */
  release(target: string): void {
    const now = this.opts.now();
    for (const j of this.waiting.values()) if (j.target === target && j.attempts === 0 && j.nextAt > now) j.nextAt = now;
    this.runDue();
  }

  /** Moves due retries into their lanes. */
  runDue(): void {
    if (this.stopped) return;
    const now = this.opts.now();
    for (const j of [...this.waiting.values()]) {
      if (j.nextAt > now) continue;
      this.waiting.delete(j.id);
      this.enqueue(j);
    }
  }

  /** Jobs queued, in flight or waiting for a retry. */
  pendingCount(): number {
    let n = this.waiting.size;
    for (const l of this.lanes.values()) n += l.queue.length + l.inflight;
    return n;
  }

  /** Resolves when nothing is queued or in flight (retries may still wait). */
  drained(): Promise<void> {
    if (this.busy() === 0) return Promise.resolve();
    return new Promise((r) => this.idle.add(r));
  }

  private busy(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += l.queue.length + l.inflight;
    return n;
  }

  private enqueue(job: DeliveryJob): void {
    let lane = this.lanes.get(job.target);
    if (!lane) this.lanes.set(job.target, (lane = { queue: [], inflight: 0 }));
    lane.queue.push(job);
    // Later, never inside the caller's stack: the engine's pipeline does not wait on delivery.
    setImmediate(() => this.pump(job.target));
  }

  private pump(target: string): void {
    const lane = this.lanes.get(target);
    if (!lane) return;
    const limit = this.resolve(target)?.concurrency ?? this.opts.concurrency;
    while (!this.stopped && lane.inflight < limit && lane.queue.length) {
      const job = lane.queue.shift()!;
      lane.inflight++;
      void this.attempt(job)
        .catch((e: unknown) => console.error(`[delivery] ${target}: attempt failed unexpectedly:`, e))
        .finally(() => {
          lane.inflight--;
          if (lane.queue.length) this.pump(target);
          else if (this.busy() === 0) this.notifyIdle();
        });
    }
  }

  private notifyIdle(): void {
    const waiters = [...this.idle];
    this.idle.clear();
    for (const r of waiters) r();
  }

  private attemptSync(job: DeliveryJob, t: DeliveryTargetPort, events: DeliveryAttempt[]): void {
    const down = t.unavailable();
    if (down) return void events.push(this.write(job, { ok: false, final: true, error: down }, true));
    let r: SendResult | Promise<SendResult>;
    try {
      r = t.send(this.view(job));
    } catch (e) {
      r = { ok: false, final: true, error: String(e) };
    }
    if (r instanceof Promise) void r.then((x) => this.record(job, x), (e: unknown) => this.record(job, { ok: false, final: false, error: String(e) }));
    else events.push(this.write(job, r));
  }

  private async attempt(job: DeliveryJob): Promise<void> {
    const t = this.resolve(job.target);
    const down = t ? t.unavailable() : `${job.target} does not exist`;
    if (!t || down) return void this.record(job, { ok: false, final: true, error: down ?? 'unavailable' }, true);
    let r: SendResult;
    try {
      r = await t.send(this.view(job));
    } catch (e) {
      r = { ok: false, final: false, error: String(e) };
    }
    this.record(job, r);
  }

  private view(job: DeliveryJob): Parameters<DeliveryTargetPort['send']>[0] {
    return { deliveryId: job.id, type: job.eventType, ref: job.ref, eventTs: job.eventTs, data: job.payload, attempt: job.attempts + 1 };
  }

  private record(job: DeliveryJob, r: SendResult, dropped = false): void {
    // Stopped: the job stays pending in the database and resumes at the next start.
    if (this.stopped) return;
    const a = this.opts.transaction(() => this.write(job, r, dropped));
    this.bus.publish('delivery.attempt', a);
  }

  /** Logs one attempt and moves the job on; schedules its retry. */
  private write(job: DeliveryJob, r: SendResult, dropped = false): DeliveryAttempt {
    const now = this.opts.now();
    job.attempts++;
    let status: DeliveryAttempt['status'];
    if (dropped) status = 'dropped';
    else if (r.ok) status = 'delivered';
    else if (r.final || job.attempts >= MAX_ATTEMPTS) status = 'failed';
    else status = 'retrying';
    let nextAttemptAt: number | null = null;
    if (status === 'retrying' && !r.ok) {
      nextAttemptAt = now + Math.max(RETRY_DELAYS_MS[job.attempts - 1] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]!, r.retryAfterMs ?? 0);
    }
    job.state = status === 'retrying' ? 'pending' : status;
    job.nextAt = nextAttemptAt ?? now;
    const attempt = this.repos.attempts.insert({
      deliveryId: job.id,
      target: job.target,
      eventType: job.eventType,
      ref: job.ref,
      attempt: job.attempts,
      status,
      httpStatus: r.httpStatus ?? null,
      error: r.ok ? null : r.error,
      latencyMs: Math.max(0, now - job.eventTs),
      eventTs: job.eventTs,
      ts: Math.round(now),
      nextAttemptAt: nextAttemptAt === null ? null : Math.round(nextAttemptAt),
    });
    this.repos.jobs.update(job);
    if (status === 'retrying') this.waiting.set(job.id, job);
    return attempt;
  }
}
