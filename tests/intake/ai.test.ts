/** The AI second opinion against a fake OpenAI-compatible server on loopback; one order from two executions. */
import { describe, expect } from 'vitest';
import type { Engine } from '../../engine/core/engine';
import { PROMPT_HASH, PROMPT_VERSION } from '../../engine/intake/ai/prompt';
import { startFakeOpenAi, type FakeOpenAi } from '../fakes/fake-openai';
import { rigTest as it, type Track } from '../helpers/rig';
import { tempDir } from '../helpers/serve';
import { caller, startEngine } from './rig';


async function fake(track: Track, mode: Parameters<typeof startFakeOpenAi>[0]): Promise<FakeOpenAi> {
  return track(await startFakeOpenAi(mode));
}

async function submit(engine: Engine, sourceId: number, symbol = 'BTCUSDT') {
  const { call } = caller(() => engine);
  const { eventId } = await call('intake.submit', { source: sourceId, payload: { symbol, side: 'buy' } });
  await engine.intake.idle();
  return call('intake.events.get', { id: eventId });
}

describe('AI second opinion', () => {
  it('asks every provider in parallel: valid, invalid JSON, schema violation, slow past the timeout, 429 then valid', async ({ track }) => {
    const engine = track(startEngine(tempDir('sd-ai-')));
    const { call } = caller(() => engine);
    const [ok, junk, schema, slow, limited] = await Promise.all([fake(track, 'valid'), fake(track, 'invalid_json'), fake(track, 'schema'), fake(track, 'slow'), fake(track, '429')]);
    slow.delayMs = 5_000;
    const mk = (name: string, f: FakeOpenAi, timeoutMs = 2_000) => call('ai.providers.create', { name, baseUrl: f.url, model: 'fake', apiKey: 'sk-test', timeoutMs });
    const created = [await mk('ok', ok), await mk('junk', junk), await mk('schema', schema), await mk('slow', slow, 300), await mk('limited', limited)];
    expect(created[0]).not.toHaveProperty('apiKey');
    expect(created[0]!.hasApiKey).toBe(true);
    const src = await call('intake.sources.create', { name: 'Reviewed', aiReview: 'advise' });
    const ev = await submit(engine, src.id);
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

  it('gate skips only on a valid skip; an invalid answer never skips', async ({ track }) => {
    const engine = track(startEngine(tempDir('sd-ai-')));
    const { call } = caller(() => engine);
    const f = await fake(track, 'valid');
    f.verdict = 'skip';
    const p = await call('ai.providers.create', { name: 'skeptic', baseUrl: f.url, model: 'fake', timeoutMs: 2_000 });
    const src = await call('intake.sources.create', { name: 'Gated', aiReview: 'gate' });
    const skipped = await submit(engine, src.id, 'BTCUSDT');
    expect([skipped.status, skipped.rejectCode]).toEqual(['rejected', 'AI_SKIP']);
    f.mode = 'invalid_json';
    const kept = await submit(engine, src.id, 'ETHUSDT');
    expect(kept.status).toBe('published');
    expect(kept.opinions[0]!.status).toBe('invalid_output');
    await call('ai.providers.update', { id: p.id, enabled: false });
    expect((await submit(engine, src.id, 'SOLUSDT')).opinions).toEqual([]);
  });

  it('an inbound signal executed twice (popup action and another path through signals.execute) makes one order', async ({ track }) => {
    const engine = track(startEngine(tempDir('sd-ai-')));
    const { call } = caller(() => engine);
    const src = await call('intake.sources.create', { name: 'Exec' });
    const ev = await submit(engine, src.id);
    expect(ev.status).toBe('published');
    const [a, b] = await Promise.all([call('signals.execute', { id: ev.signalId! }), call('signals.execute', { id: ev.signalId! })]);
    expect(a.intent).not.toBeNull();
    expect(b.intent?.id).toBe(a.intent!.id);
    const intents = (await call('orders.intents', { limit: 50 })).filter((i) => i.signalId === ev.signalId);
    expect(intents).toHaveLength(1);
  });
});
