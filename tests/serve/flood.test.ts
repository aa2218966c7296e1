/**
 * Memory stays bounded and the host stays responsive under clients that flood
 * calls and never read. Five WebSocket clients stop reading and keep sending market.candles calls
 * with limit 5000; the host must close each over its budget, cap their calls in flight, keep its
 * memory bounded, and answer /api/health within a second throughout (a correctness bound on
 * responsiveness, not a benchmark). The flood is bounded in count and in time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import type WebSocket from 'ws';
import { call, startServe, type Served } from '../helpers/serve';
import { wsOpen, wsUrl } from '../helpers/ws';

let s: Served;
beforeAll(async () => {
  // A small budget (0.25 MB instead of 16) so the flood reaches it within seconds on a loaded machine.
  s = await startServe(['--sim-history-days', '2', '--ws-budget-mb', '0.25']);
});
afterAll(async () => {
  expect(await s.stop()).toBe(0);
});

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

describe('flood of calls from clients that never read', () => {
  it('closes each flooding client over its budget, keeps memory bounded and /api/health answering within 2 s', async () => {
    const CLIENTS = 5;
    const MAX_CALLS = 8000; // per client, in all
    const MAX_MS = 60_000;
    const cutOff = (): number => (s.output().match(/closing a WebSocket over its budget/g) ?? []).length;
    const clients: Array<{ ws: WebSocket; closed: boolean; code: number | null; sent: number }> = [];
    for (let i = 0; i < CLIENTS; i++) {
      const ws = await wsOpen(wsUrl(s.url, s.token));
      const c = { ws, closed: false, code: null as number | null, sent: 0 };
      ws.on('error', () => undefined);
      ws.on('close', (code) => {
        c.closed = true;
        c.code = code;
      });
      ws.pause(); // never reads
      clients.push(c);
    }
    const t0 = Date.now();
    const healthFailures: string[] = [];
    let healthChecks = 0;
    let peakRss = 0;
    let stop = false;
    const probe = (async () => {
      while (!stop) {
        try {
          const res = await fetch(`${s.url}/api/health`, { signal: AbortSignal.timeout(2000) });
          if (res.status !== 200) healthFailures.push(`status ${res.status}`);
          await res.arrayBuffer();
        } catch (e) {
          healthFailures.push(`no answer within 2 s at +${Date.now() - t0} ms: ${(e as Error).message}`);
        }
        healthChecks++;
        if (!stop) peakRss = Math.max(peakRss, rssMb(s.proc.pid!));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // The flood: every 100 ms each open client sends 16 more calls, until all are cut off or the bounds are hit.
    while (Date.now() - t0 < MAX_MS && cutOff() < CLIENTS && clients.some((c) => !c.closed && c.sent < MAX_CALLS)) {
      for (const c of clients) {
        if (c.closed || c.sent >= MAX_CALLS || c.ws.readyState !== c.ws.OPEN) continue;
        for (let k = 0; k < 16; k++) c.ws.send(JSON.stringify({ type: 'call', id: ++c.sent, name: 'market.candles', input: { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', limit: 5000 } }));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Let the clients read again: each sees that the server closed it.
    for (const c of clients) c.ws.resume();
    await expect.poll(() => clients.every((c) => c.closed), { timeout: 15_000 }).toBe(true);
    stop = true;
    await probe;

    expect(healthFailures).toEqual([]);
    expect(healthChecks).toBeGreaterThan(2);
    expect(cutOff()).toBe(CLIENTS);
    for (const c of clients) expect([4008, 1006]).toContain(c.code);
    expect(peakRss).toBeLessThan(1024);
    // A well-behaved client is served as before.
    const r = await call(s, 'market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', limit: 10 });
    expect(r.status).toBe(200);
    expect(r.body.result).toHaveLength(10);
  }, 150_000);

  it('caps the calls one connection has in flight and queued: a burst past the queue is answered BUSY', async () => {
    const ws = await wsOpen(wsUrl(s.url, s.token));
    const answers: Array<{ id: number; type: string; error?: { code: string } }> = [];
    ws.on('message', (d) => answers.push(JSON.parse(String(d))));
    const N = 600; // 8 in flight + 256 queued are served; the rest of one burst is BUSY
    for (let id = 1; id <= N; id++) ws.send(JSON.stringify({ type: 'call', id, name: 'signals.strategies', input: {} }));
    await expect.poll(() => answers.filter((a) => typeof a.id === 'number').length, { timeout: 60_000 }).toBe(N);
    const busy = answers.filter((a) => a.error?.code === 'BUSY');
    expect(busy.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.type === 'result').length).toBeGreaterThanOrEqual(8 + 256);
    ws.close();
  });
});
