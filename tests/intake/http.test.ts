/** The webhook POST /api/intake/<sourceId> on the real built serve mode: 202, 400, 401, 413, 429. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServe, type Served } from '../helpers/serve';

let s: Served;
let source: { id: number; secret: string };
beforeAll(async () => {
  s = await startServe();
  const r = await call(s, 'intake.sources.create', { name: 'TradingView' });
  expect(r.status).toBe(200);
  source = r.body.result;
}, 90_000);
afterAll(async () => {
  await s?.stop();
});

const post = (id: number, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${s.url}/api/intake/${id}`, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body });

describe('POST /api/intake/<sourceId>', () => {
  it('accepts a TradingView text body with the secret in the body (202 {eventId}) and runs it to published', async () => {
    const res = await post(source.id, `{"symbol":"BINANCE:BTCUSDT","side":"buy","secret":"${source.secret}","idempotencyKey":"h-1"}`);
    expect(res.status).toBe(202);
    const { eventId } = (await res.json()) as { eventId: number };
    expect(eventId).toBeGreaterThan(0);
    let ev: { status: string; payload: Record<string, unknown> } | undefined;
    for (let i = 0; i < 100; i++) {
      ev = (await call(s, 'intake.events.get', { id: eventId })).body.result;
      if (ev && ['published', 'rejected', 'dlq'].includes(ev.status)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ev!.status).toBe('published');
    expect(ev!.payload).not.toHaveProperty('secret');
    // same key again: the first eventId
    const again = await post(source.id, JSON.stringify({ symbol: 'BTCUSDT', side: 'buy', idempotencyKey: 'h-1' }), { 'X-Signaldesk-Secret': source.secret });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { eventId: number }).eventId).toBe(eventId);
  });

  it('400 names each bad field; 401 for a wrong or missing secret or an unknown source; 413 over 64 KB', async () => {
    const bad = await post(source.id, JSON.stringify({ symbol: 'BTCUSDT', side: 'sideways', price: -1 }), { 'X-Signaldesk-Secret': source.secret });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; details: { fields: Array<{ field: string }> } } };
    expect(body.error.details.fields.map((f) => f.field).sort()).toEqual(['price', 'side']);
    expect((await post(source.id, '{"symbol":"BTCUSDT","side":"buy"}', { 'X-Signaldesk-Secret': 'nope' })).status).toBe(401);
    expect((await post(source.id, '{"symbol":"BTCUSDT","side":"buy"}')).status).toBe(401);
    expect((await post(9999, `{"symbol":"BTCUSDT","side":"buy","secret":"${source.secret}"}`)).status).toBe(401);
    const big = await post(source.id, JSON.stringify({ symbol: 'BTCUSDT', side: 'buy', note: 'x'.repeat(70_000) }), { 'X-Signaldesk-Secret': source.secret });
    expect(big.status).toBe(413);
  });

  it('429 with Retry-After beyond the burst of 120 for one source', async () => {
    const other = (await call(s, 'intake.sources.create', { name: 'Flood' })).body.result as { id: number; secret: string };
    const codes: number[] = [];
    for (let i = 0; i < 125; i++) {
      const r = await post(other.id, 'not json at all', { 'X-Signaldesk-Secret': other.secret });
      codes.push(r.status);
      if (r.status === 429) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        break;
      }
      await r.body?.cancel();
    }
    expect(codes.filter((c) => c === 400).length).toBeGreaterThanOrEqual(119);
    expect(codes[codes.length - 1]).toBe(429);
    // another source is not limited by this one
    expect((await post(source.id, '{"symbol":"BTCUSDT","side":"buy"}', { 'X-Signaldesk-Secret': source.secret })).status).toBe(202);
  });
});
