/** Signed webhooks against a real receiver on loopback that verifies every signature. */
import { describe, expect } from 'vitest';
import { rigTest as it, type Track } from '../helpers/rig';
import type { DeliveryAttempt } from '../../engine/api';
import { ApiError } from '../../engine/api/errors';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { channel, deliveryRig, waitFor, type DeliveryRig } from './rig';

const SECRET = 'whsec-test-0123456789';
async function setup(track: Track): Promise<{ rig: DeliveryRig; hook: WebhookReceiver; id: number }> {
  const rig = await deliveryRig();
  // The receiver reads the same (movable) clock as the sender, so stale-timestamp checks hold.
  const hook = new WebhookReceiver(SECRET, 5 * 60_000, () => Date.now() + rig.skew.ms);
  await hook.start();
  track(rig);
  track(hook);
  const w = await rig.call('delivery.webhooks.create', { url: hook.url, secret: SECRET, events: ['order.intent'] });
  return { rig, hook, id: w.id };
}

const attemptsOf = (rig: DeliveryRig, target: string): DeliveryAttempt[] => rig.r.delivery.attempts.list({ target, limit: 100 }).reverse();

describe('webhooks', () => {
  it("delivers a channel's signal as a signed POST {id, type, ts, data} the receiver verifies", async ({ track }) => {
    const { rig, hook, id } = await setup(track);
    const ch = await channel(rig, ['desktop', `webhook:${id}`]);
    const sid = await rig.signal(ch);
    const got = await waitFor('the webhook', () => hook.received[0]);
    expect(got.valid).toBe(true);
    expect(got.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(got.body).toMatchObject({ id: got.deliveryId, type: 'signal.created', data: { id: sid, symbol: 'AAA/USDT', side: 'buy', channelName: 'Deliver' } });
    expect(typeof got.body.ts).toBe('number');
    const a = await waitFor('the logged attempt', () => attemptsOf(rig, `webhook:${id}`)[0]);
    expect(a).toMatchObject({ deliveryId: got.deliveryId, eventType: 'signal.created', ref: `signal:${sid}`, attempt: 1, status: 'delivered', httpStatus: 204 });
    // the receiver rejects a body that was changed after signing
    const { verify } = await import('../fakes/webhook-receiver');
    expect(verify(SECRET, got.timestamp, got.raw.replace('AAA', 'BBB'), got.signature, 60_000, Number(got.timestamp))).toBe(false);
    expect(verify(SECRET, got.timestamp, got.raw, got.signature, 60_000, Number(got.timestamp) + 61_000)).toBe(false);
  });

  it('retries 5xx and 429 (honouring Retry-After) and then succeeds, with the same delivery id on every attempt', async ({ track }) => {
    const { rig, hook, id } = await setup(track);
    hook.failNext({ status: 503 }, { status: 429, retryAfter: '300' });
    const ch = await channel(rig, [`webhook:${id}`]);
    await rig.signal(ch);
    await waitFor('attempt 1', () => attemptsOf(rig, `webhook:${id}`).length === 1);
    const a1 = attemptsOf(rig, `webhook:${id}`)[0]!;
    expect(a1).toMatchObject({ status: 'retrying', httpStatus: 503, attempt: 1 });
    expect(a1.nextAttemptAt! - a1.ts).toBe(30_000);
    await rig.advance(30_000);
    const a2 = await waitFor('attempt 2', () => attemptsOf(rig, `webhook:${id}`)[1]);
    expect(a2).toMatchObject({ status: 'retrying', httpStatus: 429, attempt: 2 });
    expect(a2.nextAttemptAt! - a2.ts).toBeGreaterThanOrEqual(300_000);
    // The back-off alone (60 s) is not enough: Retry-After asked for 300 s.
    await rig.advance(61_000);
    expect(hook.received).toHaveLength(2);
    await rig.advance(240_000);
    const a3 = await waitFor('attempt 3', () => attemptsOf(rig, `webhook:${id}`)[2]);
    expect(a3).toMatchObject({ status: 'delivered', httpStatus: 204, attempt: 3 });
    expect(hook.received.map((x) => x.status)).toEqual([503, 429, 204]);
    expect(new Set(hook.received.map((x) => x.deliveryId)).size).toBe(1);
    expect(new Set(hook.received.map((x) => x.body.id)).size).toBe(1);
    expect(hook.received.every((x) => x.valid)).toBe(true);
    expect(new Set(hook.received.map((x) => x.timestamp)).size).toBe(3);
  });

  it('gives up after at least 5 attempts spread over at least 10 minutes; another 4xx is final at once', async ({ track }) => {
    const { rig, hook, id } = await setup(track);
    hook.failNext(...Array.from({ length: 20 }, () => ({ status: 500 })));
    const ch = await channel(rig, [`webhook:${id}`]);
    await rig.signal(ch);
    await waitFor('attempt 1', () => attemptsOf(rig, `webhook:${id}`).length === 1);
    for (let i = 0; i < 30 && attemptsOf(rig, `webhook:${id}`).at(-1)?.status === 'retrying'; i++) await rig.advance(60_000);
    const all = attemptsOf(rig, `webhook:${id}`);
    expect(all.at(-1)!.status).toBe('failed');
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.at(-1)!.ts - all[0]!.ts).toBeGreaterThanOrEqual(10 * 60_000);
    expect(all.slice(0, -1).every((x) => x.status === 'retrying')).toBe(true);

    hook.recover();
    const before = hook.received.length;
    const w2 = await rig.call('delivery.webhooks.create', { url: hook.url, secret: SECRET, events: ['signal.updated'] });
    hook.failNext({ status: 410 });
    await rig.call('signals.ack', { id: rig.r.list().find((s) => s.status !== 'rejected')!.id });
    const gone = await waitFor('the 410', () => attemptsOf(rig, `webhook:${w2.id}`)[0]);
    expect(gone).toMatchObject({ status: 'failed', httpStatus: 410, attempt: 1 });
    await rig.advance(3_600_000);
    expect(attemptsOf(rig, `webhook:${w2.id}`)).toHaveLength(1);
    expect(hook.received.length).toBe(before + 1);
  });

  it('resumes a pending delivery after a restart', async ({ track }) => {
    const { rig, hook, id } = await setup(track);
    hook.failNext({ status: 502 });
    const ch = await channel(rig, [`webhook:${id}`]);
    await rig.signal(ch);
    await waitFor('attempt 1', () => attemptsOf(rig, `webhook:${id}`).length === 1);
    const rig2 = track(await rig.restart());
    await rig2.advance(31_000);
    const a2 = await waitFor('attempt 2 after the restart', () => attemptsOf(rig2, `webhook:${id}`)[1]);
    expect(a2).toMatchObject({ status: 'delivered', attempt: 2 });
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.deliveryId).toBe(hook.received[0]!.deliveryId);
  });

  it('sends the topics a webhook subscribes to, * included, and webhooks.test reports the answer', async ({ track }) => {
    const { rig, hook, id } = await setup(track);
    await rig.call('orders.place', { symbol: 'AAA/USDT', side: 'buy', type: 'limit', price: '1', amount: '1', idempotencyKey: 'wh-1' });
    const intent = await waitFor('order.intent', () => hook.received.find((x) => x.body.type === 'order.intent'));
    expect(intent.valid).toBe(true);
    expect(hook.received.every((x) => x.body.type === 'order.intent')).toBe(true);
    const t = await rig.call('delivery.webhooks.test', { id });
    expect(t).toMatchObject({ ok: true, reason: 'SENT', httpStatus: 204 });
    hook.failNext({ status: 404 });
    expect(await rig.call('delivery.webhooks.test', { id })).toMatchObject({ ok: false, reason: 'REJECTED', httpStatus: 404 });
    await rig.call('delivery.webhooks.update', { id, url: 'http://127.0.0.1:9/nothing-listens' });
    expect(await rig.call('delivery.webhooks.test', { id })).toMatchObject({ ok: false, reason: 'NO_NETWORK', httpStatus: null });
  });

  it('refuses unknown topics naming the field, and changes nothing', async ({ track }) => {
    const { rig } = await setup(track);
    const err = await rig.call('delivery.webhooks.create', { url: 'http://127.0.0.1:1/x', secret: SECRET, events: ['signal.created', 'nope.topic'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'BAD_INPUT', details: { field: 'events', unknown: ['nope.topic'] } });
    expect(await rig.call('delivery.webhooks.list', {})).toHaveLength(1);
  });
});
