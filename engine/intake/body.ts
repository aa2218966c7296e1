/**
 * The inbound signal body: `{symbol, side, price?, stopLoss?, takeProfit?, timeframe?,
 * strategy?, confidence?, idempotencyKey?, ts?, note?}` (plus `secret` for senders that cannot
 * set headers). TradingView posts its alert message as text/plain; when that text holds JSON it
 * is parsed, also when the JSON sits among other words ("BTC alert {…}").
 */
import { z } from 'zod';
import { ApiError } from '../api/errors';

const num = z.coerce.number().finite();
export const IntakeBodySchema = z
  .object({
    symbol: z.string().trim().min(1).max(64),
    side: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['buy', 'sell', 'long', 'short', 'close'])),
    price: num.positive().optional(),
    stopLoss: num.positive().optional(),
    takeProfit: num.positive().optional(),
    timeframe: z.union([z.string().trim().min(1).max(8), z.number()]).optional(),
    strategy: z.string().trim().min(1).max(64).optional(),
    confidence: num.min(0).max(1).optional(),
    idempotencyKey: z.union([z.string().trim().min(1).max(200), z.number()]).transform(String).optional(),
    ts: z.union([num.int().nonnegative(), z.string().datetime({ offset: true }).transform((s) => Date.parse(s))]).optional(),
    note: z.string().max(2000).optional(),
    secret: z.string().max(512).optional(),
  })
  .passthrough();
export type IntakeBody = z.output<typeof IntakeBodySchema>;

export interface FieldError {
  field: string;
  message: string;
}

/** Text (JSON, or TradingView text holding one JSON object) or an object → a plain object; else BAD_INPUT. */
export function bodyObject(input: unknown): Record<string, unknown> {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  if (typeof input !== 'string') throw new ApiError('BAD_INPUT', 'The body must be a JSON object', { fields: [{ field: 'body', message: 'expected a JSON object' }] });
  const text = input.trim();
  const tries = [text];
  const a = text.indexOf('{');
  const b = text.lastIndexOf('}');
  if (a > 0 || (b >= 0 && b < text.length - 1)) if (a >= 0 && b > a) tries.push(text.slice(a, b + 1));
  for (const t of tries) {
    try {
      const v: unknown = JSON.parse(t);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // next
    }
  }
  throw new ApiError('BAD_INPUT', 'The body holds no JSON object (TradingView: put the JSON template in the alert message)', {
    fields: [{ field: 'body', message: 'no JSON object found' }],
  });
}

/** Validates a body; a BAD_INPUT error names every bad field in `details.fields`. */
export function parseBody(obj: Record<string, unknown>): IntakeBody {
  const r = IntakeBodySchema.safeParse(obj);
  if (r.success) return r.data;
  const fields: FieldError[] = r.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
  throw new ApiError('BAD_INPUT', `Invalid signal: ${fields.map((f) => `${f.field} (${f.message})`).join(', ')}`, { fields });
}
