/** The AI second opinion against a fake OpenAI-compatible server on loopback; one order from two executions. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/core/engine';
import { PROMPT_HASH, PROMPT_VERSION } from '../../engine/intake/ai/prompt';
import { startFakeOpenAi, type FakeOpenAi } from '../fakes/fake-openai';
import { tempDir } from '../helpers/serve';
import { caller, startEngine } from './rig';

let engine: Engine | null = null;
const fakes: FakeOpenAi[] = [];
afterEach(async () => {
  engine?.stop();
  engine = null;
  for (const f of fakes.splice(0)) await f.close();
});
const { call } = caller(() => engine!);

async function fake(mode: Parameters<typeof startFakeOpenAi>[0]): Promise<FakeOpenAi> {
  const f = await startFakeOpenAi(mode);
  fakes.push(f);
  return f;
}

async function submit(sourceId: number, symbol = 'BTCUSDT') {
  const { eventId } = await call('intake.submit', { source: sourceId, payload: { symbol, side: 'buy' } });
  await engine!.intake.idle();
  return call('intake.events.get', { id: eventId });
}

describe('AI second opinion', () => {
  it('asks every provider in parallel: valid, invalid JSON, schema violation, slow past the timeout, 429 then valid', async () => {
    engine = startEngine(tempDir('sd-ai-'));
    const [ok, junk, schema, slow, limited] = await Promise.all([fake('valid'), fake('invalid_json'), fake('schema'), fake('slow'), fake('429')]);
    slow.delayMs = 5_000;
    const mk = (name: string, f: FakeOpenAi, timeoutMs = 2_000) => call('ai.providers.create', { name, baseUrl: f.url, model: 'fake', apiKey: 'sk-test', timeoutMs });
    const created = [await mk('ok', ok), await mk('junk', junk), await mk('schema', schema), await mk('slow', slow, 300), await mk('limited', limited)];
    expect(created[0]).not.toHaveProperty('apiKey');
    expect(created[0]!.hasApiKey).toBe(true);
    const src = await call('intake.sources.create', { name: 'Reviewed', aiReview: 'advise' });
    const ev = await submit(src.id);
    expect(ev.status).toBe('published');
    const by = Object.fromEntries(ev.opinions.map((o) => [o.provider, o]));
    expect(by.ok).toMatchObject({ status: 'ok', verdict: 'take', confidence: 0.7, reasons: ['trend agrees'], risks: ['thin book'], promptVersion: PROMPT_VERSION, promptHash: PROMPT_HASH });
    expect(by.junk).toMatchObject({ status: 'invalid_output', raw: 'I think you should take it!' });
    expect(by.junk!.reasons[0]).toMatch(/rule-based/);
    expect(by.schema!.status).toBe('invalid_output');
    expect(by.slow!.status).toBe('timeout');
    expect(by.limited!.status).toBe('ok');
    expect(limited.calls).toBe(2);
    expect(ok.lastPrompt).toContain('BTC/USDT');
    const metrics = Object.fromEntries((await call('ai.providers.list', {})).map((p) => [p.name, p.metrics]));
    expect(metrics.ok).toMatchObject({ calls: 1, tokens: 120, errors: 0, invalidOutputs: 0 });
    expect(metrics.ok!.latencyP50Ms).not.toBeNull();
    expect(metrics.junk!.invalidOutputs).toBe(1);
    expect(metrics.slow!.errors).toBe(1);
  });

  it('gate skips only on a valid skip; an invalid answer never skips', async () => {
    engine = startEngine(tempDir('sd-ai-'));
    const f = await fake('valid');
    f.verdict = 'skip';
    const p = await call('ai.providers.create', { name: 'skeptic', baseUrl: f.url, model: 'fake', timeoutMs: 2_000 });
    const src = await call('intake.sources.create', { name: 'Gated', aiReview: 'gate' });
    const skipped = await submit(src.id, 'BTCUSDT');
    expect([skipped.status, skipped.rejectCode]).toEqual(['rejected', 'AI_SKIP']);
    f.mode = 'invalid_json';
    const kept = await submit(src.id, 'ETHUSDT');
    expect(kept.status).toBe('published');
    expect(kept.opinions[0]!.status).toBe('invalid_output');
    await call('ai.providers.update', { id: p.id, enabled: false });
    expect((await submit(src.id, 'SOLUSDT')).opinions).toEqual([]);
  });

  it('an inbound signal executed twice (popup action and another path through signals.execute) makes one order', async () => {
    engine = startEngine(tempDir('sd-ai-'));
    const src = await call('intake.sources.create', { name: 'Exec' });
    const ev = await submit(src.id);
    expect(ev.status).toBe('published');
    const [a, b] = await Promise.all([call('signals.execute', { id: ev.signalId! }), call('signals.execute', { id: ev.signalId! })]);
    expect(a.intent).not.toBeNull();
    expect(b.intent?.id).toBe(a.intent!.id);
    const intents = (await call('orders.intents', { limit: 50 })).filter((i) => i.signalId === ev.signalId);
    expect(intents).toHaveLength(1);
  });
});
