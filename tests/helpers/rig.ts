/**
 * The one engine-module test rig's shared parts:
 * - `contractCall(area, ...handlers)`: calls a contract command the way a transport does: the raw
 *   input is parsed through the command's zod schema (bad input rejects with BAD_INPUT naming the
 *   field), then the module's handler answers; a command the module does not answer is
 *   UNKNOWN_COMMAND. `moduleCall` is the same without the schema, for wiring a module's caller
 *   the way the engine does (input a module passes on is already parsed).
 * - `rigTest`: vitest's `test` with a `track` fixture: every rig a test starts is passed through
 *   `track(rig)` and stopped after the test, newest first (no copied `let rigs` / afterEach).
 * The per-area rigs (tests/orders/setup.ts, tests/signals/setup.ts, tests/market/rig.ts) build
 * their module on a real SQLite file and a real Bus and expose `call` and `stop` from here.
 */
import { test } from 'vitest';
import { ApiError, parseInput, type CommandName, type CommandResult, type ParsedInput } from '../../engine/api';
import type { Handlers } from '../../engine/core/context';

export type RigCall = <N extends CommandName>(name: N, input?: unknown) => Promise<CommandResult<N>>;

/** A call with input already parsed, the way one engine module calls another (Engine.handle; the delivery module's caller). */
export type ModuleCall = <N extends CommandName>(name: N, input: ParsedInput<N>) => Promise<CommandResult<N>>;

/** Answers a command with the first of the modules' handlers that has it, on already-parsed input (no schema: the engine's internal route). */
export function moduleCall(area: string, ...modules: Array<Partial<Handlers>>): ModuleCall {
  return <N extends CommandName>(name: N, input: ParsedInput<N>) =>
    Promise.resolve().then(() => {
      const m = modules.find((h) => h[name]);
      const handler = m?.[name] as ((i: ParsedInput<N>) => CommandResult<N> | Promise<CommandResult<N>>) | undefined;
      if (!handler) throw new ApiError('UNKNOWN_COMMAND', `The ${area} engine does not answer ${name}`);
      return handler(input);
    });
}

export function contractCall(area: string, ...modules: Array<Partial<Handlers>>): RigCall {
  const answer = moduleCall(area, ...modules);
  return <N extends CommandName>(name: N, input?: unknown) => Promise.resolve().then(() => answer(name, parseInput(name, input)));
}

/** Something a test starts and must stop: a rig (stop() is safe to call twice). */
export interface Stoppable {
  stop(): void;
}

/** A Stoppable that runs `stop` the first time only (a test may stop its rig before `track` does). */
export function stopOnce(stop: () => void): Stoppable {
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      stop();
    },
  };
}

/** Registers a rig to stop after the test; returns it. */
export type Track = <R extends Stoppable>(rig: R) => R;

export const rigTest = test.extend<{ track: Track }>({
  track: async ({}, use) => {
    const started: Stoppable[] = [];
    await use((rig) => {
      started.push(rig);
      return rig;
    });
    for (const r of started.reverse()) r.stop();
  },
});
