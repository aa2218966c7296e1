/**
 * The one contract between the engine and every client (Electron IPC, serve HTTP/WebSocket,
 * scripts, tests). Every command: name → zod input schema → result type. Every event topic:
 * name → payload type. Each area declares its commands in engine/api/commands/<area>.ts and
 * they are composed here; transports are generic over the composed maps, so adding a command
 * there adds it to every transport.
 */
import type { z } from 'zod';
import type { CommandDef } from './commands/define';
import { systemCommands, SYSTEM_TOPICS, type SystemEvents } from './commands/system';
import { marketCommands, MARKET_TOPICS, type MarketEvents } from './commands/market';
import { notifyCommands, NOTIFY_TOPICS, type NotifyEvents } from './commands/notify';
import { ordersCommands, ORDERS_TOPICS, type OrdersEvents } from './commands/orders';
import { indicatorsCommands } from './commands/indicators';
import { signalsCommands, SIGNALS_TOPICS, type SignalsEvents } from './commands/signals';
import { goalsCommands, GOALS_TOPICS, type GoalsEvents } from './commands/goals';
import { filesCommands } from './commands/files';
import { deliveryCommands, DELIVERY_TOPICS, type DeliveryEvents } from './commands/delivery';
import { backtestCommands, BACKTEST_TOPICS, type BacktestEvents } from './commands/backtest';
import { intakeCommands, INTAKE_TOPICS, type IntakeEvents } from './commands/intake';
import { seriesCommands } from './commands/series';
import { alertsCommands, ALERTS_TOPICS, type AlertsEvents } from './commands/alerts';
import { watchlistsCommands, WATCHLISTS_TOPICS, type WatchlistsEvents } from './commands/watchlists';
import { strategiesCommands } from './commands/strategies';
import { settingsCommands, SETTINGS_TOPICS, type SettingsEvents } from './commands/settings';
import { systemMetricsCommands } from './commands/system-metrics';
import { systemBackupCommands } from './commands/system-backup';

export * from './commands/define';
export * from './commands/system';
export * from './commands/market';
export * from './commands/notify';
export * from './commands/orders';
export * from './commands/indicators';
export * from './commands/signals';
export * from './commands/goals';
export * from './commands/files';
export * from './commands/delivery';
export * from './commands/backtest';
export * from './commands/intake';
export * from './commands/alerts';
export * from './commands/watchlists';
export * from './commands/strategies';
export * from './commands/settings';
export * from './commands/series';
export * from './commands/system-metrics';
export * from './commands/system-backup';

// Each area adds its spread on its own line (keep one area per line).
export const commands = {
  ...systemCommands,
  ...marketCommands,
  ...notifyCommands,
  ...indicatorsCommands,
  ...signalsCommands,
  ...ordersCommands,
  ...goalsCommands,
  ...filesCommands,
  ...deliveryCommands,
  ...backtestCommands,
  ...intakeCommands,
  ...alertsCommands,
  ...watchlistsCommands,
  ...strategiesCommands,
  ...settingsCommands,
  ...seriesCommands,
  ...systemMetricsCommands,
  ...systemBackupCommands,
} as const;

export interface Events
  extends SystemEvents,
    MarketEvents,
    NotifyEvents,
    OrdersEvents,
    SignalsEvents,
    GoalsEvents,
    DeliveryEvents,
    BacktestEvents,
    IntakeEvents,
    AlertsEvents,
    SettingsEvents,
    WatchlistsEvents {}
// Each area appends its topics on its own line.
export const EVENT_TOPICS: readonly EventTopic[] = [
  ...SYSTEM_TOPICS,
  ...MARKET_TOPICS,
  ...NOTIFY_TOPICS,
  ...SIGNALS_TOPICS,
  ...ORDERS_TOPICS,
  ...GOALS_TOPICS,
  ...DELIVERY_TOPICS,
  ...BACKTEST_TOPICS,
  ...INTAKE_TOPICS,
  ...ALERTS_TOPICS,
  ...SETTINGS_TOPICS,
  ...WATCHLISTS_TOPICS,
];

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<N extends CommandName> = z.input<Commands[N]['input']>;
export type ParsedInput<N extends CommandName> = z.output<Commands[N]['input']>;
export type CommandResult<N extends CommandName> = Commands[N] extends CommandDef<z.ZodType, infer R> ? R : never;

export type EventTopic = keyof Events;

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commands, name);
}
export function isEventTopic(name: string): name is EventTopic {
  return (EVENT_TOPICS as readonly string[]).includes(name);
}

/** The client-side view of the contract, implemented by every transport. */
export interface ApiClient {
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>>;
  subscribe<T extends EventTopic>(topic: T, handler: (payload: Events[T]) => void): () => void;
  onConnection(handler: (state: ConnectionState) => void): () => void;
}
export type ConnectionState = 'connecting' | 'open' | 'closed';
