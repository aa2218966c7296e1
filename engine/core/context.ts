/**
 * What every engine module receives: the writer connection, repositories, the in-process event
 * bus, and the engine options. Modules declare the contract commands they answer; the engine
 * checks at start-up that every command has exactly one handler.
 */
import type { Database } from '../../db/database';
import type { CommandName, CommandResult, Events, EventTopic, InfoResult, ParsedInput } from '../api/contract';

export interface EngineOptions {
  dataDir: string;
  mode: InfoResult['mode'];
  version: string;
  simSeed: number;
  simSpeed: number;
  simSymbols: number;
  simHistoryDays: number;
  tickMs: number;
  /** How the store is checked at open: 'quick' (default) or 'full' (after an unclean shutdown). */
  dbCheck?: 'quick' | 'full';
  /** The user asked for a fresh start (`--fresh`): an empty database file is replaced. */
  fresh?: boolean;
}

export type Handler<N extends CommandName> = (input: ParsedInput<N>) => CommandResult<N> | Promise<CommandResult<N>>;
export type Handlers = { [N in CommandName]: Handler<N> };

export type Emit = <T extends EventTopic>(topic: T, payload: Events[T]) => void;

/**
 * In-process bus: `publish` runs in-engine subscribers synchronously (the pipeline
 * candle.closed → indicators → signals → orders), then forwards the event to the host.
 */
export class Bus {
  private readonly subs = new Map<EventTopic, Set<(p: unknown) => void>>();
  /** Events published since start (system.metrics reads its rate). */
  published = 0;
  constructor(private readonly forward: Emit) {}
  subscribe<T extends EventTopic>(topic: T, handler: (payload: Events[T]) => void): () => void {
    let set = this.subs.get(topic);
    if (!set) this.subs.set(topic, (set = new Set()));
    set.add(handler as (p: unknown) => void);
    return () => set.delete(handler as (p: unknown) => void);
  }
  publish<T extends EventTopic>(topic: T, payload: Events[T]): void {
    this.published++;
    const set = this.subs.get(topic);
    if (set) {
      for (const h of set) {
        try {
          h(payload);
        } catch (err) {
          console.error(`[engine] subscriber of ${topic} failed:`, err);
        }
      }
    }
    this.forward(topic, payload);
  }
}

export interface EngineContext {
  readonly db: Database;
  readonly bus: Bus;
  readonly opts: EngineOptions;
  /** Engine time (the sim clock where the sim runs). */
  clock(): number;
}

export interface EngineModule {
  readonly name: string;
  readonly handlers: Partial<Handlers>;
  /** Called once the store is open, in module order. */
  start?(): void;
  stop?(): void;
}
