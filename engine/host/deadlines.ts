/**
 * Every call gets a deadline: past it the host answers TIMEOUT (the engine may still finish the
 * work; its late answer is dropped). 30 s by default; commands that legitimately take longer
 * (a full integrity check, large file imports/exports) have their own.
 */
import type { CommandName } from '../api/contract';

export const DEFAULT_DEADLINE_MS = 30_000;

export const COMMAND_DEADLINES: Partial<Record<CommandName, number>> = {
  'system.integrity': 10 * 60_000,
  'market.import': 5 * 60_000,
  'market.export': 5 * 60_000,
  // A backup and a restore's check copy the whole store: as long as a full integrity check.
  'system.backup': 10 * 60_000,
  'system.restore': 10 * 60_000,
};

export function deadlineFor(name: string, overrides: Partial<Record<string, number>> = {}, fallback = DEFAULT_DEADLINE_MS): number {
  return overrides[name] ?? (COMMAND_DEADLINES as Partial<Record<string, number>>)[name] ?? fallback;
}
