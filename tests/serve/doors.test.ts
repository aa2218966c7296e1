/**
 * The serve transport's doors: no frame, message or request from an
 * unauthenticated client or a foreign page can crash the host; foreign Origin / Host are refused.
 * Every case ends by checking that the same process still answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { call, startServe, type Served } from '../helpers/serve';
import { rawRequest } from '../helpers/http-raw';
import { closedWith, nextMessage, wsOpen, wsUrl } from '../helpers/ws';

let s: Served;
beforeAll(async () => {
  s = await startServe();
});
afterAll(async () => {
  expect(await s.stop()).toBe(0);
});

async function stillAlive(): Promise<void> {
  expect(s.proc.exitCode).toBeNull();
  const res = await fetch(`${s.url}/api/health`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { status: string }).status).toBe('ok');
}

describe('WebSocket door: unauthenticated and malformed frames', () => {
  it('an unauthenticated socket sending `null` is closed with a code; the host lives', async () => {
    const ws = await wsOpen(wsUrl(s.url));
    const closed = closedWith(ws);
    ws.send('null');
    expect(await closed).toBe(4401);
    await stillAlive();
  });

  it('an unauthenticated socket may only authenticate: a call or a subscribe closes it', async () => {
    for (const m of [{ type: 'call', id: 1, name: 'system.info', input: {} }, { type: 'subscribe', topics: ['system.clock'] }, [1, 2], 42, 'x']) {
      const ws = await wsOpen(wsUrl(s.url));
      const closed = closedWith(ws);
      ws.send(JSON.stringify(m));
      expect(await closed, JSON.stringify(m)).toBe(4401);
    }
    await stillAlive();
  });

  it('an authenticated socket sending malformed messages is closed with 4400', async () => {
    for (const text of ['null', '[]', '"x"', '{"type":', '7', 'true']) {
      const ws = await wsOpen(wsUrl(s.url, s.token));
      const closed = closedWith(ws);
      ws.send(text);
      expect(await closed, text).toBe(4400);
    }
    await stillAlive();
  });

  it('a message over 1 MB closes that socket with 1009, authenticated or not', async () => {
    for (const token of [undefined, s.token]) {
      const ws = await wsOpen(wsUrl(s.url, token));
      const closed = closedWith(ws);
      ws.send(JSON.stringify({ type: 'call', id: 1, name: 'system.info', input: { pad: 'x'.repeat(1_100_000) } }));
      expect(await closed).toBe(1009);
    }
    await stillAlive();
  });

  it('a text frame with invalid UTF-8 closes that socket with 1007', async () => {
    for (const token of [undefined, s.token]) {
      const ws = await wsOpen(wsUrl(s.url, token));
      const closed = closedWith(ws);
      ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0xfd, 0x7d]), { binary: false });
      expect(await closed).toBe(1007);
    }
    await stillAlive();
  });

  it('a binary frame closes that socket with 1003', async () => {
    const ws = await wsOpen(wsUrl(s.url, s.token));
    const closed = closedWith(ws);
    ws.send(Buffer.from('{"type":"call"}'), { binary: true });
    expect(await closed).toBe(1003);
    await stillAlive();
  });

  it('an authenticated socket that sends a wrong token is told it failed and closed', async () => {
    const ws = await wsOpen(wsUrl(s.url, s.token));
    const closed = closedWith(ws);
    ws.send(JSON.stringify({ type: 'auth', id: 'again', token: 'w'.repeat(32) }));
    const reply = await nextMessage(ws, (m) => m.id === 'again');
    expect(reply).toMatchObject({ type: 'auth', ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await closed).toBe(4401);
    await stillAlive();
  });

  it('still speaks the contract to a good client after all of that', async () => {
    const ws = await wsOpen(wsUrl(s.url));
    ws.send(JSON.stringify({ type: 'auth', token: s.token, id: 'a' }));
    expect((await nextMessage(ws, (m) => m.type === 'auth')).ok).toBe(true);
    ws.send(JSON.stringify({ type: 'call', id: 2, name: 'system.info', input: {} }));
    expect((await nextMessage(ws, (m) => m.id === 2)).result.mode).toBe('serve');
    ws.close();
  });
});

describe('Origin and Host (DNS rebinding)', () => {
  const port = (): string => new URL(s.url).port;

  it('refuses the WebSocket upgrade from a foreign Origin, even with the token', async () => {
    await expect(wsOpen(wsUrl(s.url, s.token), { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(wsOpen(wsUrl(s.url, s.token), { origin: 'null' })).rejects.toThrow(/403/);
    await expect(wsOpen(wsUrl(s.url, s.token), { origin: `http://127.0.0.1:${Number(port()) + 1}` })).rejects.toThrow(/403/);
    await stillAlive();
  });

  it('refuses the upgrade and the HTTP API for a Host that is not the bound address or localhost', async () => {
    await expect(wsOpen(wsUrl(s.url, s.token), { headers: { host: `evil.example:${port()}` } })).rejects.toThrow(/403/);
    const api = await rawRequest(s.url, {
      method: 'POST',
      path: '/api/call/system.info',
      headers: { host: `rebound.example:${port()}`, authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(api.status).toBe(403);
    expect(api.json().error.code).toBe('FORBIDDEN');
    const page = await rawRequest(s.url, { path: '/', headers: { host: `rebound.example:${port()}` } });
    expect(page.status).toBe(403);
    const health = await rawRequest(s.url, { path: '/api/health', headers: { host: `rebound.example:${port()}` } });
    expect(health.status).toBe(403);
  });

  it('refuses the HTTP API for a foreign Origin, and accepts its own origin and localhost', async () => {
    const foreign = await rawRequest(s.url, {
      method: 'POST',
      path: '/api/call/system.info',
      headers: { origin: 'http://evil.example', authorization: `Bearer ${s.token}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    for (const [host, origin] of [
      [`127.0.0.1:${port()}`, `http://127.0.0.1:${port()}`],
      [`localhost:${port()}`, `http://localhost:${port()}`],
    ]) {
      const own = await rawRequest(s.url, {
        method: 'POST',
        path: '/api/call/system.info',
        headers: { host: host!, origin: origin!, authorization: `Bearer ${s.token}` },
        body: '{}',
      });
      expect(own.status, host).toBe(200);
    }
    const ws = await wsOpen(wsUrl(s.url, s.token), { origin: `http://localhost:${port()}`, headers: { host: `localhost:${port()}` } });
    ws.close();
  });
});

describe('HTTP: smaller holes', () => {
  it('answers 400 for deeply nested JSON bodies', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const r = await call(s, 'signals.channels.create', deep);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_INPUT');
    const params = { name: 'Deep', strategies: [{ id: 'ema_cross', params: JSON.parse('{"p":'.repeat(200) + '1' + '}'.repeat(200)) }], symbols: { source: 'sim', symbols: ['BTC/USDT'] }, timeframe: '5m' };
    const r2 = await call(s, 'signals.channels.create', params);
    expect(r2.status).toBe(400);
    await stillAlive();
  });

  it('answers 400 for malformed % escapes in the URL', async () => {
    for (const p of ['/%E0%A4%A', '/assets/%zz.js', '/api/call/%ff', '/api/health%']) {
      const r = await rawRequest(s.url, { path: p, headers: { authorization: `Bearer ${s.token}` } });
      expect(r.status, p).toBe(400);
      expect(r.json().error.code, p).toBe('BAD_INPUT');
    }
    await stillAlive();
  });

  it('answers 413 JSON for a body over 1 MB', async () => {
    const r = await rawRequest(s.url, {
      method: 'POST',
      path: '/api/call/system.info',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(1_200_000) }),
    });
    expect(r.status).toBe(413);
    expect(r.json().error.code).toBe('TOO_LARGE');
    await stillAlive();
  });

  it('keeps the data directory 0700 and the database files 0600', () => {
    expect(fs.statSync(s.dataDir).mode & 0o777).toBe(0o700);
    for (const f of fs.readdirSync(s.dataDir).filter((x) => x.startsWith('signaldesk.db'))) {
      expect(fs.statSync(path.join(s.dataDir, f)).mode & 0o777, f).toBe(0o600);
    }
    expect(fs.statSync(path.join(s.dataDir, 'signaldesk.db')).mode & 0o777).toBe(0o600);
  });

  it("the UI's CSP lets it connect by WebSocket to its own origin only", async () => {
    const res = await fetch(`${s.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const connect = /connect-src ([^;]+)/.exec(csp)?.[1]?.split(/\s+/) ?? [];
    expect(connect).not.toContain('ws:');
    expect(connect).not.toContain('wss:');
    expect(connect).toContain(`${s.url.replace('http', 'ws')}`);
    const html = await res.text();
    expect(html).not.toMatch(/connect-src[^;"]*\sws:/);
  });
});
