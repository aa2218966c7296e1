/**
 * The AI second opinion: every enabled provider is asked in parallel (one failing never blocks
 * the others). A valid answer becomes an opinion with status 'ok'; an invalid one keeps its raw
 * text with status 'invalid_output'; a timeout / error is recorded as such — and for those the
 * rule-based fallback gives the verdict. Every decision is stored with the prompt's version and
 * hash (ai_decisions), from which the per-provider metrics are computed.
 */
import { performance } from 'node:perf_hooks';
import type { AiOpinion } from '../../api/commands/intake';
import type { AiProvidersRepo, ProviderRecord } from '../../../db/repos/intake';
import { chat } from './client';
import { parseOpinion, PROMPT_HASH, PROMPT_VERSION, renderPrompt, type Opinion } from './prompt';

export interface ReviewContext {
  signal: { symbol: string; side: string; entry: number; stopLoss: number; takeProfit: number; confidence: number; timeframe: string; strategy: string; note?: string };
  enrichment: { last: number | null; spreadPct: number | null; support: number | null; resistance: number | null; imbalance: number | null; flags: string[]; features: Record<string, number> };
}

/** What decides when no model gives a valid answer: data quality flags. */
export function ruleBasedOpinion(ctx: ReviewContext): Opinion {
  const f = ctx.enrichment.flags;
  if (f.includes('missing_data')) return { verdict: 'skip', confidence: 0.5, reasons: ['rule-based: no market data to check the signal against'], risks: ['missing data'] };
  if (f.length) return { verdict: 'reduce', confidence: 0.5, reasons: [`rule-based: data quality flags ${f.join(', ')}`], risks: f };
  return { verdict: 'take', confidence: ctx.signal.confidence, reasons: ['rule-based: no data quality flags'], risks: [] };
}

export async function review(
  providers: Array<ProviderRecord & { apiKey: string | null }>,
  ctx: ReviewContext,
  repo: AiProvidersRepo,
  eventId: number | null,
  now: () => number = Date.now,
): Promise<AiOpinion[]> {
  const prompt = renderPrompt(ctx);
  return Promise.all(
    providers.map(async (p): Promise<AiOpinion> => {
      const t0 = performance.now();
      let op: AiOpinion;
      let tokens = 0;
      try {
        const r = await chat({ baseUrl: p.baseUrl, model: p.model, apiKey: p.apiKey, timeoutMs: p.timeoutMs, prompt });
        tokens = r.tokens;
        const latencyMs = performance.now() - t0;
        const base = { providerId: p.id, provider: p.name, promptVersion: PROMPT_VERSION, promptHash: PROMPT_HASH, latencyMs };
        const parsed = r.status === 'ok' ? parseOpinion(r.text) : null;
        if (parsed) op = { ...base, status: 'ok', ...parsed };
        else {
          const fb = ruleBasedOpinion(ctx);
          op =
            r.status === 'ok'
              ? { ...base, status: 'invalid_output', ...fb, raw: r.text.slice(0, 20_000) }
              : { ...base, status: r.status, ...fb, error: r.error ?? r.status };
        }
      } catch (e) {
        op = { providerId: p.id, provider: p.name, promptVersion: PROMPT_VERSION, promptHash: PROMPT_HASH, latencyMs: performance.now() - t0, status: 'error', ...ruleBasedOpinion(ctx), error: String(e) };
      }
      try {
        repo.recordDecision(
          { providerId: p.id, eventId, status: op.status, verdict: op.verdict, confidence: op.confidence, promptVersion: op.promptVersion, promptHash: op.promptHash, latencyMs: op.latencyMs, tokens, raw: op.raw ?? null },
          now(),
        );
      } catch (e) {
        console.error('[intake] storing an AI decision failed:', e);
      }
      return op;
    }),
  );
}

/** gate mode: skip only when some provider gave a VALID skip. */
export const gateSkips = (ops: AiOpinion[]): AiOpinion | undefined => ops.find((o) => o.status === 'ok' && o.verdict === 'skip');

/** What the review decides for a channel in `mode`: AI_SKIP on a valid skip in gate mode, else nothing (advise only shows). */
export function aiGate(mode: 'off' | 'advise' | 'gate', ops: AiOpinion[]): { reason: 'AI_SKIP'; detail: string } | null {
  const skip = mode === 'gate' ? gateSkips(ops) : undefined;
  return skip ? { reason: 'AI_SKIP', detail: `${skip.provider} advised to skip: ${skip.reasons.join('; ') || 'no reason given'}` } : null;
}

export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
