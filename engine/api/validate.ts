import { ApiError } from './errors';
import { commands, isCommandName, type CommandName, type ParsedInput } from './contract';

/** Validates a raw input against a command's schema, or throws a structured ApiError. */
export function parseInput<N extends CommandName>(name: N, raw: unknown): ParsedInput<N> {
  const schema = commands[name].input;
  const parsed = schema.safeParse(raw === undefined || raw === null ? {} : raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
    // The message names the fields, so a UI can show it as it is; details keep every issue.
    const shown = issues.slice(0, 3).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    throw new ApiError('BAD_INPUT', `Invalid input for ${name}: ${shown.join('; ')}${more}`, { issues });
  }
  return parsed.data as ParsedInput<N>;
}

export function assertCommand(name: string): asserts name is CommandName {
  if (!isCommandName(name)) throw new ApiError('UNKNOWN_COMMAND', `Unknown command: ${name}`);
}
