/**
 * The versioned prompt template of the AI second opinion. Its version and a hash of the template
 * are stored with every decision, so a changed prompt is visible in the history.
 */
import crypto from 'node:crypto';
import { z } from 'zod';

export const PROMPT_VERSION = 'intake-review-v1';
export const PROMPT_TEMPLATE = `You review a trading signal before a trader acts on it.
Answer ONLY with JSON: {"verdict": "take" | "skip" | "reduce", "confidence": number 0..1, "reasons": [string], "risks": [string]}.
"reduce" means take it with a smaller size.
Signal and market context (JSON):
{{event}}`;
export const PROMPT_HASH = crypto.createHash('sha256').update(PROMPT_TEMPLATE).digest('hex').slice(0, 16);

export const OpinionSchema = z
  .object({
    verdict: z.enum(['take', 'skip', 'reduce']),
    confidence: z.number().min(0).max(1),
    reasons: z.array(z.string().max(1000)).max(20),
    risks: z.array(z.string().max(1000)).max(20),
  })
  .strict();
export type Opinion = z.output<typeof OpinionSchema>;

export function renderPrompt(event: unknown): string {
  return PROMPT_TEMPLATE.replace('{{event}}', JSON.stringify(event));
}

/** Parses a model's answer: JSON (possibly inside a ``` fence) matching OpinionSchema, or null. */
export function parseOpinion(text: string): Opinion | null {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  try {
    const r = OpinionSchema.safeParse(JSON.parse(body));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
