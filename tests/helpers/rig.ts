/**
 * The one engine-module test rig's shared parts:
 * - `contractCall(area, ...handlers)`: calls a contract command the way a transport does: the raw
 *   input is parsed through the command's zod schema (bad input rejects with BAD_INPUT naming the
 *   field), then the module's handler answers; a command the module does not answer is
 *   UNKNOWN_COMMAND. `moduleCall` is the same without the schema, for wiring a module's caller
 *   the way the engine does (input a module passes on is already parsed).
 * - `rigTest`: vitest's `test` with a `track` fixture: every rig or resource a test starts is
 *   passed through `track(x)` (anything with `stop()` or `close()`; a returned Promise is awaited)
 *   and any other clean-up through `track.defer(fn)`; after the test each is run once, newest
 *   first, each awaited before the next, all of them even when one throws (the first error is
 *   then rethrown). No copied `let rigs` / afterEach.
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

/**
 * Something a test starts and must stop: a rig, a fake server, an engine (stop() may return a
 * Promise). `track` stops it after the test even when the test stopped it already (a restart), so
 * stop() must be safe to call twice; wrap one that is not in `stopOnce`.
 */
export interface Stoppable {
  stop(): unknown;
}

/** Something a test opens and must close (a fake that names its stop `close`). */
export interface Closable {
  close(): unknown;
}

/** A Stoppable that runs `stop` the first time only (a test may stop its rig before `track` does). */
export function stopOnce(stop: () => unknown): Stoppable {
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      return stop();
    },
  };
}

/**
 * Registers a rig or resource to stop after the test (its `stop()`, else its `close()`); returns it.
 * `defer(fn)` registers a plain clean-up function instead.
 */
export interface Track {
  <R extends Stoppable | Closable>(rig: R): R;
  defer(fn: () => unknown): void;
}

export const rigTest = test.extend<{ track: Track }>({
  track: async ({}, use) => {
    const started: Array<() => unknown> = [];
    const track = ((rig: Stoppable | Closable) => {
      started.push('stop' in rig && typeof rig.stop === 'function' ? () => rig.stop() : () => (rig as Closable).close());
      return rig;
    }) as Track;
    track.defer = (fn) => {
      started.push(fn);
    };
    await use(track);
    const errors: unknown[] = [];
    for (const end of started.reverse()) {
      try {
        await end();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  },
});
