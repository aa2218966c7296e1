/**
 * The host: lives on the thread that answers the UI (Electron main, or the serve process) and
 * runs the engine in a worker thread. Every call is validated against the contract here, at the
 * boundary, before it reaches the engine. Errors never crash the host.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../api/errors';
import {
  type CommandInput,
  type CommandName,
  type CommandResult,
  type EventTopic,
  type Events,
  type HealthResult,
  type ParsedInput,
  type RestoreResult,
  type SettingsImportResult,
  type SystemMetrics,
} from '../api/contract';
import { assertCommand, parseInput } from '../api/validate';
import type { EngineOptions } from '../core/context';
import type { FromWorker, ToWorker } from './protocol';
import { RestartPolicy, type RestartPolicyOptions } from './supervise';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { DEFAULT_DEADLINE_MS, deadlineFor } from './deadlines';
import { dropStaging, swapInRestored, type Swap } from './restart';
import { HostLoop, hostOnlyMetrics, withHostFigures } from './host-metrics';

export interface HostOptions extends Partial<Omit<EngineOptions, 'dataDir'>> {
  dataDir: string;
  /** Calls slower than this are logged. */
  slowCallMs?: number;
  log?: (line: string) => void;
  /** Default per-call deadline (30 s); past it a call answers TIMEOUT. */
  callTimeoutMs?: number;
  /** Per-command deadlines over engine/host/deadlines.ts. */
  deadlines?: Partial<Record<CommandName, number>>;
  /** How the engine worker is started again after it dies (engine/host/supervise.ts). */
  restartPolicy?: RestartPolicyOptions;
}

export const DEFAULTS = {
  simSeed: 42,
  simSpeed: 1,
  simSymbols: 8,
  simHistoryDays: 14,
  tickMs: 500,
} as const;

/** Finds the engine worker next to this file: built .js, or the .ts source run through tsx. */
function spawnEngineWorker(): Worker {
  // Built: out/main/engine-worker.js (this code may sit in out/main or a chunk folder below it).
  for (const dir of [__dirname, path.dirname(__dirname)]) {
    const built = path.join(dir, 'engine-worker.js');
    if (fs.existsSync(built)) return new Worker(built);
  }
  // From source (tests, scripts): load the TypeScript entry through tsx's CommonJS hook.
  const source = path.join(__dirname, 'engine-worker.ts');
  if (!fs.existsSync(source)) throw new Error(`engine worker not found near ${__dirname}`);
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, { eval: true });
}

type Pending = { resolve: (v: unknown) => void; reject: (e: ApiError) => void; name: string; t0: number; timer: NodeJS.Timeout };

export class Host {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new EventEmitter();
  private lastHeartbeat = Date.now();
  private readonly startedAt = Date.now();
  private lastClock = 0;
  readonly options: EngineOptions;
  private readonly slowCallMs: number;
  private readonly log: (line: string) => void;
  private readonly callTimeoutMs: number;
  private readonly deadlines: Partial<Record<string, number>>;
  private lock: DataDirLock | null = null;
  /** Set when the previous owner of the data directory did not shut down cleanly (the store got a full check). */
  uncleanShutdown = false;
  startup: { backfilled: number; startupMs: number } | null = null;
  /** Why the engine is restarting (a restore, a settings import), while it is. */
  private restarting: string | null = null;
  /** A restore or an import is between its check and its restart: a second one waits its turn (BUSY). */
  private swapping = false;
  private readonly loop = new HostLoop();
  /** Workers the host itself stopped: their exit is not a death. */
  private readonly expectedExit = new WeakSet<Worker>();
  private readonly restartPolicy: RestartPolicy;
  private reviveTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  /** Times the engine worker was started again after it died on its own. */
  private revived = 0;

  constructor(opts: HostOptions) {
    this.options = {
      dataDir: path.resolve(opts.dataDir),
      mode: opts.mode ?? 'serve',
      version: opts.version ?? '0.0.0',
      simSeed: opts.simSeed ?? DEFAULTS.simSeed,
      simSpeed: opts.simSpeed ?? DEFAULTS.simSpeed,
      simSymbols: opts.simSymbols ?? DEFAULTS.simSymbols,
      simHistoryDays: opts.simHistoryDays ?? DEFAULTS.simHistoryDays,
      tickMs: opts.tickMs ?? DEFAULTS.tickMs,
      fresh: opts.fresh ?? false,
    };
    this.callTimeoutMs = opts.callTimeoutMs ?? DEFAULT_DEADLINE_MS;
    this.deadlines = opts.deadlines ?? {};
    this.slowCallMs = opts.slowCallMs ?? 250;
    this.log = opts.log ?? ((l) => console.log(l));
    this.restartPolicy = new RestartPolicy(opts.restartPolicy);
    this.events.setMaxListeners(0);
  }

  /** Starts the engine worker; resolves once the engine has its store open and its history filled. */
  async start(): Promise<void> {
    if (this.worker) throw new Error('Host already started');
    // One process per data directory; a stale lock means the last run ended uncleanly.
    this.lock = acquireDataDirLock(this.options.dataDir, this.options.mode);
    this.uncleanShutdown = this.lock.unclean;
    if (this.lock.unclean) this.log(`[host] the previous run (pid ${this.lock.stale?.pid ?? '?'}) did not shut down cleanly: running a full integrity check of the store`);
    this.loop.start();
    try {
      await this.startWorker({ ...this.options, dbCheck: this.lock.unclean ? 'full' : 'quick' });
    } catch (err) {
      await this.terminateWorker();
      this.lock.release();
      this.lock = null;
      throw err;
    }
  }

  private async terminateWorker(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    this.expectedExit.add(w);
    await w.terminate().catch(() => undefined);
  }

  private async startWorker(options: EngineOptions): Promise<void> {
    const worker = spawnEngineWorker();
    this.worker = worker;
    let ready = false;
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            ready = true;
            this.lastHeartbeat = Date.now();
            this.startup = { backfilled: m.backfilled, startupMs: m.startupMs };
            resolve();
            break;
          case 'fatal':
            reject(ApiError.from(m.error));
            break;
          case 'result': {
            const p = this.pending.get(m.seq);
            if (!p) break;
            this.pending.delete(m.seq);
            clearTimeout(p.timer);
            const ms = performance.now() - p.t0;
            if (ms > this.slowCallMs) this.log(`[host] slow call ${p.name}: ${ms.toFixed(0)} ms`);
            if (m.ok) p.resolve(m.value);
            else p.reject(ApiError.from(m.error));
            break;
          }
          case 'event':
            if (m.topic === 'system.clock') this.lastClock = (m.payload as Events['system.clock']).now;
            this.events.emit(m.topic, m.payload);
            this.events.emit('*', m.topic, m.payload);
            break;
          case 'heartbeat':
            this.lastHeartbeat = Date.now();
            break;
          case 'stopped':
            break;
        }
      });
      worker.on('error', (err) => {
        this.log(`[host] engine worker error: ${err.message}`);
        reject(err);
        this.failPending(new ApiError('UNAVAILABLE', `Engine worker failed: ${err.message}`));
      });
      worker.on('exit', (code) => {
        const died = ready && this.worker === worker && !this.expectedExit.has(worker);
        if (this.worker === worker) this.worker = null;
        this.failPending(new ApiError('UNAVAILABLE', `Engine worker exited (${code})`));
        reject(new Error(`Engine worker exited during start-up (${code})`));
        if (died) this.onWorkerDied(`exit code ${code}`);
      });
      this.post({ type: 'init', options });
    });
  }

  /** The engine worker died on its own: start it again after the policy's wait, or give up saying why. */
  private onWorkerDied(why: string): void {
    if (this.stopping) return;
    const wait = this.restartPolicy.next(Date.now());
    if (wait === null) {
      this.restarting = null;
      this.log(`[host] the engine worker died ${this.restartPolicy.recent} times in 5 minutes (last: ${why}); not starting it again — quit and start Signaldesk, and see the log above for the cause`);
      return;
    }
    this.restarting = 'it stopped unexpectedly';
    this.log(`[host] the engine worker died (${why}); starting it again in ${wait} ms`);
    this.reviveTimer = setTimeout(() => void this.revive(), wait);
  }

  private async revive(): Promise<void> {
    this.reviveTimer = null;
    if (this.stopping) return;
    try {
      await this.startWorker({ ...this.options, dbCheck: 'quick', fresh: false });
      this.revived++;
      this.restarting = null;
      this.log('[host] engine worker started again after it died');
    } catch (err) {
      await this.terminateWorker();
      this.onWorkerDied(`it did not start again: ${(err as Error).message}`);
    }
  }

  private failPending(err: ApiError): void {
    for (const [seq, p] of this.pending) {
      this.pending.delete(seq);
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  /** Calls a contract command with untrusted input: validated here, answered by the engine. */
  async callRaw(name: string, rawInput: unknown): Promise<unknown> {
    assertCommand(name);
    const input = parseInput(name, rawInput);
    if (name === 'system.health') return this.health();
    if (name === 'system.metrics') return this.metrics();
    if (name === 'system.restore') return this.restore(input as ParsedInput<'system.restore'>);
    if (name === 'settings.import') return this.importSettings(input as ParsedInput<'settings.import'>);
    return this.forward(name, input);
  }

  /** Typed call for in-process users (Electron main, tests, scripts). */
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>> {
    return this.callRaw(name, input) as Promise<CommandResult<N>>;
  }

  private forward(name: string, input: unknown): Promise<unknown> {
    if (this.restarting) return Promise.reject(new ApiError('UNAVAILABLE', `The engine is restarting (${this.restarting}); try again in a moment`));
    if (!this.worker) return Promise.reject(new ApiError('UNAVAILABLE', 'Engine is not running'));
    const seq = ++this.seq;
    const ms = deadlineFor(name, this.deadlines, this.callTimeoutMs);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(seq)) return;
        this.log(`[host] ${name} passed its deadline of ${ms} ms: answered TIMEOUT`);
        reject(new ApiError('TIMEOUT', `${name} did not answer within ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}; the engine may still finish it`, { command: name, deadlineMs: ms }));
      }, ms);
      timer.unref();
      this.pending.set(seq, { resolve, reject, name, t0: performance.now(), timer });
      this.post({ type: 'call', seq, name, input });
    });
  }

  /** Answered on the host thread, so it reflects a stuck engine instead of hanging with it. */
  health(): HealthResult {
    const ago = Date.now() - this.lastHeartbeat;
    const alive = this.worker !== null && this.restarting === null && ago < 5000;
    return {
      status: alive ? 'ok' : 'degraded',
      uptimeMs: Date.now() - this.startedAt,
      engine: { alive, lastHeartbeatAgoMs: ago, restarts: this.revived },
      clock: this.lastClock,
    };
  }

  /** system.metrics: the engine's figures with the host's; the host's alone when the engine is not answering. */
  private async metrics(): Promise<SystemMetrics> {
    const h = this.health();
    if (this.restarting || !h.engine.alive) return hostOnlyMetrics(h, this.loop, this.restarting ? `restarting (${this.restarting})` : `no heartbeat for ${(h.engine.lastHeartbeatAgoMs / 1000).toFixed(1)} s`);
    return withHostFigures((await this.forward('system.metrics', {})) as SystemMetrics, this.health(), this.loop);
  }

  /** system.restore: the engine validates the file into a staging copy; the host swaps it in and restarts. */
  private async restore(input: ParsedInput<'system.restore'>): Promise<RestoreResult> {
    if (this.restarting || this.swapping) throw new ApiError('BUSY', `The engine is already restarting (${this.restarting ?? 'restore'}); try again when it is back`);
    this.swapping = true;
    let swap: Swap | null = null;
    let checked: RestoreResult;
    try {
      checked = (await this.forward('system.restore', input)) as RestoreResult;
      await this.restartEngine('restore', () => {
        swap = swapInRestored(this.options.dataDir);
        return swap;
      });
    } finally {
      this.swapping = false;
      dropStaging(this.options.dataDir);
    }
    return { ...checked, replacedPath: (swap as Swap | null)?.replacedPath ?? '', restartedAt: Date.now() };
  }

  /** settings.import: written by the engine; the engine restarts when something changed, so every part reads it. */
  private async importSettings(input: ParsedInput<'settings.import'>): Promise<SettingsImportResult> {
    if (this.restarting || this.swapping) throw new ApiError('BUSY', `The engine is restarting (${this.restarting ?? 'restore'}); try again when it is back`);
    this.swapping = true;
    try {
      const r = (await this.forward('settings.import', input)) as SettingsImportResult;
      if (!r.applied.length) return r;
      await this.restartEngine('settings import');
      return { ...r, restarted: true };
    } finally {
      this.swapping = false;
    }
  }

  /**
   * Stops the engine worker and starts it again (the data directory's lock stays held), with
   * `between` run while it is stopped. If the engine does not start, `between` is undone and the
   * engine starts on what was there before; the caller gets a structured error.
   */
  private async restartEngine(why: string, between?: () => Swap): Promise<void> {
    this.restarting = why;
    try {
      await this.stopWorker();
      const swap = between?.();
      try {
        await this.startWorker({ ...this.options, dbCheck: 'quick', fresh: false });
      } catch (err) {
        await this.terminateWorker();
        if (!swap) throw err;
        swap.undo();
        await this.startWorker({ ...this.options, dbCheck: 'quick', fresh: false });
        throw new ApiError('UNPROCESSABLE', `The engine did not start on the restored database (${(err as Error).message}); the previous database is back in place`, { field: 'path' });
      }
      this.log(`[host] engine restarted (${why})`);
    } finally {
      this.restarting = null;
    }
  }

  on<T extends EventTopic>(topic: T, handler: (payload: Events[T]) => void): () => void {
    this.events.on(topic, handler);
    return () => this.events.off(topic, handler);
  }

  onAny(handler: (topic: EventTopic, payload: unknown) => void): () => void {
    this.events.on('*', handler);
    return () => this.events.off('*', handler);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reviveTimer) clearTimeout(this.reviveTimer);
    this.reviveTimer = null;
    this.loop.stop();
    await this.stopWorker();
    this.releaseLock();
  }

  /** Asks the engine to stop (it closes the store) and waits for its thread to end. */
  private async stopWorker(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.expectedExit.add(w);
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(() => void w.terminate().then(() => resolve()), 5000);
      w.once('exit', () => {
        clearTimeout(timeout);
        resolve();
      });
      w.on('message', (m: FromWorker) => {
        if (m.type === 'stopped') void w.terminate();
      });
      this.post({ type: 'stop' });
    });
    this.worker = null;
  }

  private releaseLock(): void {
    this.lock?.release();
    this.lock = null;
  }
}
