/**
 * The AI second opinion on a strategy channel (`aiReview` advise | gate), asked before delivery
 * through the intake's review code, against the OpenAI-compatible fake on loopback.
 */
import { describe, expect } from 'vitest';
import { parseInput, type Signal } from '../../engine/api';
import type { EngineOptions } from '../../engine/core/context';
import { IntakeModule } from '../../engine/intake/module';
import { PROMPT_VERSION } from '../../engine/intake/ai/prompt';
import { startFakeOpenAi } from '../fakes/fake-openai';
import { contractCall } from '../helpers/rig';
import { it, sigRig, vPath, type SigRig, type Track } from './setup';

const PATH = vPath(60, 30); // ema_cross(9, 21) crosses up once, at bar 71

/** A signals rig whose reviewer is the real intake module's review, with one provider on the fake. */
async function setup(track: Track, aiReview: 'off' | 'advise' | 'gate', mode: 'valid' | 'invalid_json', verdict: 'take' | 'skip' = 'skip') {
  const fake = track(await startFakeOpenAi(mode));
  fake.verdict = verdict;
  const r = track(await sigRig());
  const ctx = { db: r.db, bus: r.bus, opts: { dataDir: r.dataDir, mode: 'embedded', version: 'test' } as EngineOptions, clock: () => r.clock.now };
  const intake = new IntakeModule(ctx, r.signals, { symbols: () => [], candles: () => [] });
  r.signals.setReviewer((c) => intake.review(c, null));
  const callIntake = contractCall('intake', intake.handlers);
  await callIntake('ai.providers.create', { name: 'fake', baseUrl: fake.url, model: 'fake-1', timeoutMs: 3000 });
  r.store('AAA/USDT', PATH.slice(0, 60));
  const channel = await r.createChannel({ name: 'Reviewed', strategies: [{ id: 'ema_cross', params: {} }], aiReview });
  for (let i = 60; i < PATH.length; i++) r.close('AAA/USDT', i, PATH[i]!);
  await r.signals.reviewed();
  return { r, fake, callIntake, channel };
}

const popups = (r: SigRig) => r.events.filter((e) => e.topic === 'notification.created').length;

describe('AI review on strategy channels', () => {
  it('gate: a valid skip rejects the signal with AI_SKIP before delivery, and the opinion is stored with it', async ({ track }) => {
    const { r, fake, callIntake } = await setup(track, 'gate', 'valid', 'skip');
    expect(fake.calls).toBe(1);
    expect(fake.lastPrompt).toContain('"strategy":"ema_cross"');
    const [s] = r.list();
    expect(s).toMatchObject({ status: 'rejected', rejectReason: 'AI_SKIP', rejectDetail: 'fake advised to skip: trend agrees' });
    expect(s!.aiReview).toMatchObject({ mode: 'gate', opinions: [{ provider: 'fake', status: 'ok', verdict: 'skip', confidence: 0.7, reasons: ['trend agrees'], risks: ['thin book'], promptVersion: PROMPT_VERSION }] });
    expect(r.created()).toEqual([]);
    expect(popups(r)).toBe(0);
    // the decision counts in the provider's metrics like an inbound one
    expect((await callIntake('ai.providers.list', {}))[0]!.metrics.calls).toBe(1);
  });

  it('advise: the same skip is only shown; the signal is delivered with the opinion, read back after a restart', async ({ track }) => {
    const { r } = await setup(track, 'advise', 'valid', 'skip');
    const [s] = r.list();
    expect(s).toMatchObject({ status: 'delivered', rejectReason: null });
    expect(s!.aiReview).toMatchObject({ mode: 'advise', opinions: [{ verdict: 'skip', status: 'ok' }] });
    expect(r.created().map((x: Signal) => x.aiReview?.opinions[0]?.verdict)).toEqual(['skip']);
    expect(popups(r)).toBe(1);
    const r2 = track(await r.restart());
    expect(r2.list()[0]!.aiReview).toMatchObject({ mode: 'advise', opinions: [{ verdict: 'skip' }] });
  });

  it('gate: an invalid answer keeps its raw text and the rule-based fallback lets the signal through', async ({ track }) => {
    const { r } = await setup(track, 'gate', 'invalid_json');
    const [s] = r.list();
    expect(s!.status).toBe('delivered');
    expect(s!.aiReview!.opinions[0]).toMatchObject({ status: 'invalid_output', verdict: 'take', raw: 'I think you should take it!' });
    expect(s!.aiReview!.opinions[0]!.reasons[0]).toMatch(/^rule-based/);
  });

  it('off: no model is asked and nothing is recorded', async ({ track }) => {
    const { r, fake } = await setup(track, 'off', 'valid', 'skip');
    expect(fake.calls).toBe(0);
    expect(r.list()[0]).toMatchObject({ status: 'delivered', aiReview: null });
  });

  it('the channel setting is validated, stored and updated through the contract', async ({ track }) => {
    const { r, channel } = await setup(track, 'off', 'valid');
    expect(() => parseInput('signals.channels.update', { id: channel, aiReview: 'maybe' })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    const updated = await r.call('signals.channels.update', { id: channel, aiReview: 'gate' });
    expect(updated.aiReview).toBe('gate');
    expect((await r.call('signals.channels.list', {}))[0]!.aiReview).toBe('gate');
    await expect(r.call('signals.channels.update', { id: channel, aiReview: 'maybe' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
