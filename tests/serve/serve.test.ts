import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import WebSocket from 'ws';
import { SERVE_JS, call, startServe, tempDir, type Served } from '../helpers/serve';

let s: Served;
beforeAll(async () => {
  s = await startServe(['--sim-speed', '120', '--tick-ms', '100']);
});
afterAll(async () => {
  expect(await s.stop()).toBe(0);
});

function wsOpen(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}
function nextMessage(ws: WebSocket, pred: (m: any) => boolean, timeoutMs = 15_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout waiting for message')), timeoutMs);
    const on = (d: WebSocket.RawData) => {
      const m = JSON.parse(String(d));
      if (pred(m)) {
        clearTimeout(t);
        ws.off('message', on);
        resolve(m);
      }
    };
    ws.on('message', on);
  });
}

describe('serve mode', () => {
  it('prints the URL with the token and keeps the token at <data-dir>/token with mode 0600', () => {
    expect(s.output()).toContain(`?token=${s.token}`);
    const mode = fs.statSync(path.join(s.dataDir, 'token')).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(s.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers GET /api/health without a token', async () => {
    const res = await fetch(`${s.url}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.status).toBe('ok');
    expect(body.engine.alive).toBe(true);
  });

  it('answers POST /api/call/<command> with {result}', async () => {
    const info = await call(s, 'system.info', {});
    expect(info.status).toBe(200);
    expect(info.body.result.mode).toBe('serve');
    expect(info.body.result.dataDir).toBe(s.dataDir);
    expect(info.body.result.sources[0]).toMatchObject({ id: 'sim', simulated: true });
    const syms = await call(s, 'market.symbols', { source: 'sim' });
    expect(syms.body.result).toContain('BTC/USDT');
    for (const tf of ['1m', '5m', '15m', '1h', '4h', '1d']) {
      const c = await call(s, 'market.candles', { source: 'sim', symbol: 'ETH/USDT', timeframe: tf, limit: 10 });
      expect(c.status).toBe(200);
      const rows = c.body.result as number[][];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThanOrEqual(10);
      for (const r of rows) expect(r).toHaveLength(6);
      for (let i = 1; i < rows.length; i++) expect(rows[i]![0]).toBeGreaterThan(rows[i - 1]![0]!);
    }
  });

  it('answers 401 for a missing or wrong token, and changes nothing', async () => {
    const none = await fetch(`${s.url}/api/call/system.info`, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error.code).toBe('UNAUTHORIZED');
    const wrong = await call(s, 'system.info', {}, 'x'.repeat(32));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHORIZED');
    // Commands that would change state, refused without the token: nothing changes.
    const channelsBefore = (await call(s, 'signals.channels.list', {})).body.result as unknown[];
    expect((await call(s, 'signals.status', {})).body.result.paused).toBe(false);
    const changes: Array<[string, unknown]> = [
      ['signals.pause', { paused: true }],
      ['signals.channels.create', { name: 'Unauthorized', strategies: [{ id: 'ema_cross', params: {} }], symbols: { source: 'sim', symbols: ['BTC/USDT'] }, timeframe: '5m' }],
    ];
    for (const [name, input] of changes) {
      const noToken = await fetch(`${s.url}/api/call/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      expect(noToken.status, name).toBe(401);
      const bad = await call(s, name, input, 'x'.repeat(32));
      expect(bad.status, name).toBe(401);
      expect(bad.body.error.code, name).toBe('UNAUTHORIZED');
    }
    expect((await call(s, 'signals.status', {})).body.result.paused).toBe(false);
    expect((await call(s, 'signals.channels.list', {})).body.result).toEqual(channelsBefore);
  });

  it('answers 404 for an unknown command and 400 with a structured error for bad input', async () => {
    const unknown = await call(s, 'market.nope', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('UNKNOWN_COMMAND');
    const bad = await call(s, 'market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe: '7m' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'BAD_INPUT', message: expect.any(String), details: expect.any(Object) });
    const notJson = await call(s, 'market.candles', '{"source":');
    expect(notJson.status).toBe(400);
    const missing = await call(s, 'market.candles', { source: 'sim', symbol: 'NOPE/USDT', timeframe: '1m' });
    expect(missing.status).toBe(404);
    // Still healthy after all of that.
    expect((await call(s, 'system.health', {})).body.result.status).toBe('ok');
  });

  it('speaks the contract over the WebSocket: calls, and event subscriptions', async () => {
    const ws = await wsOpen(`${s.url.replace('http', 'ws')}/ws?token=${s.token}`);
    ws.send(JSON.stringify({ type: 'call', id: 1, name: 'market.symbols', input: { source: 'sim' } }));
    const r = await nextMessage(ws, (m) => m.id === 1);
    expect(r.type).toBe('result');
    expect(r.result).toContain('ETH/USDT');
    ws.send(JSON.stringify({ type: 'call', id: 2, name: 'market.candles', input: { source: 'sim' } }));
    const e = await nextMessage(ws, (m) => m.id === 2);
    expect(e.type).toBe('error');
    expect(e.error.code).toBe('BAD_INPUT');
    ws.send(JSON.stringify({ type: 'subscribe', id: 3, topics: ['candle.closed', 'candle.updated'] }));
    const closed = await nextMessage(ws, (m) => m.type === 'event' && m.topic === 'candle.closed');
    expect(closed.payload).toMatchObject({ source: 'sim', timeframe: expect.any(String) });
    expect(closed.payload.candle).toHaveLength(6);
    ws.close();
  });

  it('accepts the token as the first WebSocket message, and rejects a wrong one', async () => {
    const ws = await wsOpen(`${s.url.replace('http', 'ws')}/ws`);
    ws.send(JSON.stringify({ type: 'auth', token: s.token, id: 'a' }));
    expect((await nextMessage(ws, (m) => m.type === 'auth')).ok).toBe(true);
    ws.close();
    await expect(wsOpen(`${s.url.replace('http', 'ws')}/ws?token=wrong`)).rejects.toThrow(/401/);
  });

  it('serves the renderer at / with a strict CSP', async () => {
    const res = await fetch(`${s.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('<div id="root">');
  });
});

describe('serve flags', () => {
  it('refuses a non-loopback host without --allow-remote, with one clear line and exit code 2', () => {
    const r = spawnSync(process.execPath, [SERVE_JS, '--host', '0.0.0.0', '--data-dir', tempDir()], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--allow-remote/);
  });
  it('rejects unknown flags', () => {
    const r = spawnSync(process.execPath, [SERVE_JS, '--bogus'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Unknown flag: --bogus/);
  });
});
