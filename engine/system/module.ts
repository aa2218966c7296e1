/**
 * System operations in the engine thread: system.metrics (with the health watch that raises
 * `health` alerts), backups (on request and daily), the validation half of system.restore, and
 * settings export / import. The host adds its figures to system.metrics and performs the
 * restart of a restore or an import (engine/host/restart.ts).
 */
import path from 'node:path';
import { DB_FILE } from '../../db/database';
import type { SourceHealth } from '../api/commands/market';
import type { AiProvider } from '../api/commands/intake';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import { FilePolicy } from '../files/policy';
import { SystemHealthAlerts } from '../alerts/system-health';
import type { AlertsModule } from '../alerts';
import { Backups, type BackupsOptions } from './backups';
import { EngineMetrics } from './metrics';
import { HealthWatch } from './health-watch';
import { SettingsTransfer } from './settings-transfer';

export interface SystemOpsPorts {
  sourcesHealth(): Promise<SourceHealth[]>;
  aiProviders(): Promise<AiProvider[]>;
}

export interface SystemOpsOptions {
  wallNow: () => number;
  healthEveryMs: number;
  backups: Partial<BackupsOptions>;
}

export class SystemOpsModule implements EngineModule {
  readonly name = 'system-ops';
  readonly metrics: EngineMetrics;
  readonly watch: HealthWatch;
  readonly backups: Backups;
  readonly transfer: SettingsTransfer;

  constructor(ctx: EngineContext, alerts: AlertsModule, ports: SystemOpsPorts, opts: Partial<SystemOpsOptions> = {}) {
    const wallNow = opts.wallNow ?? Date.now;
    const dbFile = path.join(ctx.opts.dataDir, DB_FILE);
    this.metrics = new EngineMetrics(ctx.db, {
      dbFile,
      schemaVersion: () => ctx.db.pragma('user_version', { simple: true }) as number,
      published: () => ctx.bus.published,
      sourcesHealth: () => ports.sourcesHealth(),
      aiProviders: () => ports.aiProviders(),
      wallNow,
    });
    this.watch = new HealthWatch(() => this.metrics.collect(false), new SystemHealthAlerts(alerts), wallNow, opts.healthEveryMs ?? 5_000);
    this.backups = new Backups(ctx.db, ctx.opts.dataDir, new FilePolicy(ctx.db, ctx.opts.dataDir), { wallNow, ...opts.backups });
    this.transfer = new SettingsTransfer(ctx.db, ctx.opts.version, wallNow);
  }

  start(): void {
    this.metrics.start();
    this.watch.start();
    this.backups.start();
  }

  stop(): void {
    this.backups.stop();
    this.watch.stop();
    this.metrics.stop();
  }

  readonly handlers: Partial<Handlers> = {
    'system.metrics': async () => ({ ...(await this.metrics.collect()), problems: this.watch.problems }),
    'system.backup': (i) => this.backups.backup(i.path),
    'system.backups.list': () => this.backups.list(),
    'system.backups.config': (i) => this.backups.config(i.keep),
    'system.restore': (i) => this.backups.prepareRestore(i.path),
    'settings.export': () => this.transfer.export(),
    'settings.import': (i) => this.transfer.import(i.settings),
  };
}
