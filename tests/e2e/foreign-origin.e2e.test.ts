/**
 * In real Chromium: the real UI origin works, while a foreign page (a second
 * loopback HTTP server, another origin) and a DNS-rebound name can neither crash the host nor
 * talk to the engine: its WebSockets are refused before they open, its requests change nothing,
 * and it cannot read the answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

interface Probe {
  opened: boolean;
  code: number | string;
  messages: string[];
}
interface AttackResults {
  plain: Probe;
  big: Probe;
  guessed: Probe;
  viaLocalhost: Probe;
  postSent: string;
  read: string;
}

/** The attacker's page: tries every door of the engine it can reach from a browser. */
function attackPage(port: number): string {
  return `<!doctype html><html><body><h1>Totally harmless page</h1><script>
(async () => {
  const probe = (url, send) => new Promise((resolve) => {
    const r = { opened: false, code: 'none', messages: [] };
    let w;
    try { w = new WebSocket(url); } catch (e) { r.code = 'throw'; return resolve(r); }
    w.onopen = () => { r.opened = true; for (const m of send) w.send(m); };
    w.onmessage = (e) => r.messages.push(String(e.data).slice(0, 200));
    w.onerror = () => {};
    w.onclose = (e) => { r.code = e.code; resolve(r); };
    setTimeout(() => { r.code = r.code === 'none' ? 'timeout' : r.code; resolve(r); }, 8000);
  });
  const out = {};
  out.plain = await probe('ws://127.0.0.1:${port}/ws', ['null', '{"type":"call","id":1,"name":"system.killSwitch","input":{"on":true}}']);
  out.big = await probe('ws://127.0.0.1:${port}/ws', ['x'.repeat(1100000)]);
  out.guessed = await probe('ws://127.0.0.1:${port}/ws?token=' + 'a'.repeat(32), ['null']);
  out.viaLocalhost = await probe('ws://localhost:${port}/ws', ['null']);
  try {
    await fetch('http://127.0.0.1:${port}/api/call/system.killSwitch', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"on":true,"reason":"evil"}' });
    out.postSent = 'sent';
  } catch (e) { out.postSent = 'error'; }
  try { const r = await fetch('http://127.0.0.1:${port}/api/health'); out.read = 'read: ' + (await r.text()); } catch (e) { out.read = 'blocked'; }
  window.__attack = out;
})();
</script></body></html>`;
}

describe('a foreign page in Chromium', () => {
  let s: Served;
  let foreign: http.Server;
  let foreignUrl: string;
  let browser: Browser;
  let ui: Page;
  beforeAll(async () => {
    s = await startServe([]);
    const port = Number(new URL(s.url).port);
    foreign = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(attackPage(port));
    });
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', () => r()));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
    // rebound.test resolves to 127.0.0.1: a DNS-rebinding page served by the engine's own port.
    browser = await launch(['--host-resolver-rules=MAP rebound.test 127.0.0.1']);
    ui = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await ui.goto(`${s.url}/?token=${s.token}`);
    await ui.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (foreign ? foreign.close(() => r()) : r()));
    await s?.stop();
  });

  it('the real UI, on its own origin, connects under its CSP', async () => {
    await expect.poll(() => ui.locator('[data-testid="connection"]').getAttribute('class')).toMatch(/conn-open/);
  });

  it('cannot crash the host or talk to the engine', async () => {
    const page = await browser.newPage();
    await page.goto(foreignUrl);
    await page.waitForFunction(() => (window as unknown as { __attack?: unknown }).__attack !== undefined, null, { timeout: 60_000 });
    const r = (await page.evaluate(() => (window as unknown as { __attack: unknown }).__attack)) as AttackResults;
    for (const k of ['plain', 'big', 'guessed', 'viaLocalhost'] as const) {
      expect(r[k].opened, k).toBe(false);
      expect(r[k].messages, k).toEqual([]);
    }
    expect(r.read).toBe('blocked');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'foreign-origin.png') });
    // The host lives, the kill switch was not touched, and the real UI still works.
    expect(s.proc.exitCode).toBeNull();
    expect((await call(s, 'system.health', {})).body.result.status).toBe('ok');
    expect((await call(s, 'orders.status', {})).body.result.killSwitch.on).toBe(false);
    expect(await ui.locator('[data-testid="connection"]').getAttribute('class')).toMatch(/conn-open/);
    await page.close();
  });

  it('a DNS-rebound name pointing at the engine gets nothing', async () => {
    const port = new URL(s.url).port;
    const page = await browser.newPage();
    const res = await page.goto(`http://rebound.test:${port}/`);
    expect(res?.status()).toBe(403);
    const ws = await page.evaluate(
      (p) =>
        new Promise<{ opened: boolean }>((resolve) => {
          const w = new WebSocket(`ws://rebound.test:${p}/ws`);
          let opened = false;
          w.onopen = () => (opened = true);
          w.onclose = () => resolve({ opened });
          w.onerror = () => undefined;
        }),
      port,
    );
    expect(ws.opened).toBe(false);
    expect(s.proc.exitCode).toBeNull();
    await page.close();
  });
});
