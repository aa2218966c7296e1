import { z } from 'zod';
import { TIMEFRAMES } from '../timeframes';

/** A command definition. `result` is a phantom used only for typing. */
export interface CommandDef<I extends z.ZodType, R> {
  readonly input: I;
  readonly summary: string;
  readonly result?: R;
}
export function command<R>() {
  return <I extends z.ZodType>(summary: string, input: I): CommandDef<I, R> => ({ input, summary });
}

export const Empty = z.object({}).strict();
export const TimeframeSchema = z.enum(TIMEFRAMES);
export const SourceId = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/i, 'source id: letters, digits, _ and -');
export const SymbolSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Z0-9._-]+\/[A-Z0-9._-]+(:[A-Z0-9._-]+)?$/i, 'symbol like BTC/USDT');
