/**
 * The engine: owns the single SQLite writer connection and composes the modules (market,
 * notify, delivery, indicators, signals, orders, goals, backtest, alerts, files, intake). It runs inside the engine worker thread
 * (engine/host/engine-worker.ts); tests may run it in-process.
 */
import path from 'node:path';
import { ApiError } from '../api/errors';
import { commands, type CommandName, type CommandResult, type ParsedInput } from '../api/contract';
import { TIMEFRAMES } from '../api/timeframes';
import { checkIntegrity, openDatabase, DB_FILE, type Database } from '../../db/database';
import { MarketModule, SIM_SOURCE_ID } from '../market/module';
import { NotifyModule } from '../notify/module';
import { OrdersModule } from '../orders/module';
import { IndicatorsModule } from '../indicators/module';
import { SignalsModule } from '../signals/module';
import { GoalsModule } from '../goals/module';
import { FilesModule } from '../files/module';
import { DeliveryModule } from '../delivery/module';
import { BacktestModule } from '../backtest/module';
import { setBacktestGoalsProvider } from '../backtest/goals-hook';
import { IntakeModule } from '../intake/module';
import { ccxtOrderBook } from '../intake/ccxt-book';
import { AlertsModule, alertsPorts } from '../alerts';
import { WatchlistsModule } from '../watchlists/module';
import { StrategiesModule } from '../signals/strategies-module';
import { SettingsModule } from '../settings/module';
import { dbBytes } from '../settings/db-bytes';
import { SystemOpsModule } from '../system/module';
import { Bus, type Emit, type EngineContext, type EngineModule, type EngineOptions, type Handlers } from './context';

export type { EngineOptions, Emit } from './context';

export class Engine {
  readonly db: Database;
  readonly bus: Bus;
  readonly market: MarketModule;
  readonly notify: NotifyModule;
  readonly orders: OrdersModule;
  readonly signals: SignalsModule;
  readonly goals: GoalsModule;
  readonly delivery: DeliveryModule;
  readonly intake: IntakeModule;
  readonly alerts: AlertsModule;
  readonly systemOps: SystemOpsModule;
  readonly modules: EngineModule[];
  private readonly handlers: Handlers;

  constructor(
    readonly opts: EngineOptions,
    emit: Emit,
  ) {
    this.db = openDatabase(path.join(opts.dataDir, DB_FILE), { check: opts.dbCheck ?? 'quick', fresh: opts.fresh ?? false });
    this.bus = new Bus(emit);
    const ctx: EngineContext = { db: this.db, bus: this.bus, opts, clock: () => this.market.clock() };
    this.market = new MarketModule(ctx);
    const system: EngineModule = {
      name: 'system',
      handlers: {
        'system.health': () => ({
          status: 'ok',
          uptimeMs: Math.round(process.uptime() * 1000),
          engine: { alive: true, lastHeartbeatAgoMs: 0, restarts: 0 },
          clock: this.market.clock(),
        }),
        'system.info': () => ({
          name: 'Signaldesk',
          version: opts.version,
          mode: opts.mode,
          dataDir: opts.dataDir,
          dbBytes: dbBytes(path.join(opts.dataDir, DB_FILE)),
          defaultSource: SIM_SOURCE_ID,
          timeframes: [...TIMEFRAMES],
          sources: this.market.sources(),
          sim: { seed: this.market.seed, speed: opts.simSpeed },
          pid: process.pid,
        }),
        'system.integrity': () => {
          const t0 = Date.now();
          const problems = checkIntegrity(this.db, 'full');
          return { ok: problems.length === 0, problems, checkedAt: t0, durationMs: Date.now() - t0 };
        },
      },
    };
    // Modules in start order; each area adds its construction above and its entry here.
    this.notify = new NotifyModule(ctx);
    this.delivery = new DeliveryModule(ctx, this.notify);
    // App settings: popups, sound and quiet hours reach notify and delivery through their getters.
    const settings = new SettingsModule(ctx);
    this.notify.setPrefs(() => settings.current().notifications);
    this.delivery.setPrefs(() => settings.current().notifications);
    const indicators = new IndicatorsModule(ctx, this.market);
    this.signals = new SignalsModule(ctx, this.delivery, {
      symbols: (source) => this.handle('market.symbols', { source }),
      candles: (source, symbol, timeframe, limit) => this.handle('market.candles', { source, symbol, timeframe, limit }),
      kind: (source) => this.market.sources().find((x) => x.id === source)?.kind,
    }, { usePool: true, starter: true });
    this.orders = new OrdersModule(ctx, this.notify);
    // Goals: reads the order book through a narrow port; the orders engine asks it
    // for the sizing factor of signal orders and the drawdown limit in force.
    const orders = this.orders;
    this.goals = new GoalsModule(ctx, this.notify, {
      account: (id) => orders.account(id),
      accounts: () => orders.accounts.list(),
      equity: (id) => orders.valuation(orders.account(id)).equity,
      stage: (id) => orders.riskState(orders.account(id)).stage,
      limits: (id) => orders.limits(id),
    });
    // Intake: reads the market through its public handlers, publishes through signals.
    this.intake = new IntakeModule(ctx, this.signals, {
      symbols: (source) => this.handle('market.symbols', { source }),
      candles: (source, symbol, timeframe, limit) => this.handle('market.candles', { source, symbol, timeframe, limit }),
      kind: (source) => this.market.sources().find((x) => x.id === source)?.kind,
      orderBook: (source, symbol) => ccxtOrderBook(this.market.collector.runtime(source), symbol),
    }, { defaultMarket: SIM_SOURCE_ID });
    // Strategies view: results, pause / resume, and the live-autopilot promotion rule (autopilot trades the default account).
    const strategies = new StrategiesModule(ctx, this.signals, () => {
      const a = orders.account();
      return { id: a.id, name: a.name, kind: a.kind };
    });
    this.signals.setReviewer((c) => this.intake.review(c, null));
    this.orders.setHooks({
      sizingFactor: (id) => this.goals.sizingFactor(id),
      drawdownLimit: (id) => this.goals.drawdownLimit(id),
      beforeLiveDefault: (a, confirm) => strategies.guardLiveDefault(a, confirm),
    });
    // Backtests are evaluated against the default account's goals when a run does not give its own.
    setBacktestGoalsProvider(() => {
      const st = this.goals.statuses(orders.account().id);
      const target = (type: string): number | undefined => st.find((g) => g.type === type)?.target;
      return { monthlyReturnPct: target('monthly_return'), monthlyIncome: target('monthly_income'), portfolioValue: target('portfolio_value') };
    });
    const backtest = new BacktestModule(ctx);
    // Alerts: reads the market, orders, goals and the signals' feature engines through its ports.
    this.alerts = new AlertsModule(ctx, this.notify, alertsPorts({ market: this.market, orders, goals: this.goals, signals: this.signals, handle: { symbols: (source) => this.handle('market.symbols', { source }), health: () => this.handle('market.health', {}) } }));
    // Alerts reach Telegram and webhooks through the one delivery layer (desktop stays with notify).
    this.alerts.setDeliverySink({ deliver: (targets, m) => this.delivery.deliverAlert(targets, m) });
    // Watchlists: the market's symbols and the alerts through their public handlers.
    const watchlists = new WatchlistsModule(ctx, { symbolsOf: (source) => this.market.views().find((v) => v.id === source)?.symbols, alertRules: () => this.handle('alerts.rules.list', {}), activeAlerts: () => this.handle('alerts.list', { status: 'active', limit: 5000 }) });
    // System operations: metrics and the health watch (raising health alerts), backups, settings export / import.
    this.systemOps = new SystemOpsModule(ctx, this.alerts, { sourcesHealth: () => this.handle('market.health', {}), aiProviders: () => this.handle('ai.providers.list', {}) });
    this.modules = [
      system,
      this.market,
      this.notify,
      this.delivery,
      indicators,
      this.signals,
      this.orders,
      this.goals,
      new FilesModule(ctx),
      backtest,
      this.intake,
      this.alerts,
      watchlists,
      strategies,
      settings,
      this.systemOps,
    ];
    this.handlers = composeHandlers(this.modules);
    this.delivery.setCaller((name, input) => this.handle(name, input));
  }

  /** Starts every module (the market back-fills sim history first, then its clock runs). */
  start(): { backfilled: number } {
    for (const m of this.modules) m.start?.();
    return { backfilled: this.market.backfilled };
  }

  stop(): void {
    for (const m of [...this.modules].reverse()) {
      try {
        m.stop?.();
      } catch (err) {
        console.error(`[engine] stopping ${m.name} failed:`, err);
      }
    }
    this.db.close();
  }

  async handle<N extends CommandName>(name: N, input: ParsedInput<N>): Promise<CommandResult<N>> {
    const h = this.handlers[name] as (i: ParsedInput<N>) => CommandResult<N> | Promise<CommandResult<N>>;
    return h(input);
  }
}

/** Every contract command must have exactly one handler among the modules. */
export function composeHandlers(modules: readonly EngineModule[]): Handlers {
  const out: Partial<Record<CommandName, unknown>> = {};
  const owner: Partial<Record<CommandName, string>> = {};
  for (const m of modules) {
    for (const [name, h] of Object.entries(m.handlers)) {
      const n = name as CommandName;
      if (owner[n]) throw new Error(`Command ${n} is handled by both ${owner[n]} and ${m.name}`);
      owner[n] = m.name;
      out[n] = h;
    }
  }
  const missing = (Object.keys(commands) as CommandName[]).filter((n) => !out[n]);
  if (missing.length) throw new ApiError('INTERNAL', `Commands without a handler: ${missing.join(', ')}`);
  return out as Handlers;
}
