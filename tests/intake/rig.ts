/** A real engine (real SQLite file, sim market) in-process, for the intake tests. */
import { parseInput } from '../../engine/api/validate';
import type { CommandInput, CommandName, CommandResult } from '../../engine/api';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { ApiError } from '../../engine/api/errors';

export function engineOpts(dataDir: string): EngineOptions {
  return { dataDir, mode: 'serve', version: 'test', simSeed: 7, simSpeed: 1, simSymbols: 3, simHistoryDays: 1, tickMs: 3_600_000 };
}

export function startEngine(dataDir: string): Engine {
  const e = new Engine(engineOpts(dataDir), () => {});
  e.start();
  return e;
}

export function caller(e: () => Engine) {
  return {
    call: <N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>> => e().handle(name, parseInput(name, input)),
    fail: async (name: CommandName, input: unknown): Promise<ApiError> => {
      try {
        await e().handle(name, parseInput(name, input as never));
      } catch (err) {
        if (err instanceof ApiError) return err;
        throw err;
      }
      throw new Error(`${name} did not fail`);
    },
  };
}
