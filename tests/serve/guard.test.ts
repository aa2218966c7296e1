/** The Host / Origin rule of the serve transport (engine/serve/guard.ts), case by case. */
import { describe, expect, it } from 'vitest';
import type http from 'node:http';
import { originPolicy } from '../../engine/serve/guard';

const req = (host: string | undefined, origin?: string): http.IncomingMessage => ({ headers: { ...(host === undefined ? {} : { host }), ...(origin === undefined ? {} : { origin }) } }) as http.IncomingMessage;

describe('originPolicy', () => {
  const local = originPolicy('127.0.0.1', () => 4780);
  it('accepts loopback names with our port, with or without an Origin of our own', () => {
    for (const h of ['127.0.0.1:4780', 'localhost:4780', 'LOCALHOST:4780', '[::1]:4780']) expect(local.refuse(req(h), { api: true }), h).toBeNull();
    expect(local.refuse(req('localhost:4780', 'http://localhost:4780'), { api: true })).toBeNull();
    expect(local.refuse(req('127.0.0.1:4780', 'http://localhost:4780'), { api: true })).toBeNull();
  });
  it('refuses other names and ports (DNS rebinding), a missing Host, and foreign or https origins', () => {
    for (const h of ['evil.example:4780', '127.0.0.1:4781', 'localhost', '127.0.0.1', '10.0.0.5:4780', '']) expect(local.refuse(req(h), { api: true }), h).toMatch(/Host/);
    expect(local.refuse(req(undefined), { api: false })).toMatch(/Host/);
    for (const o of ['http://evil.example', 'null', 'https://localhost:4780', 'http://localhost:4781', 'http://localhost:4780/x', 'file://']) {
      expect(local.refuse(req('localhost:4780', o), { api: true }), o).toMatch(/Origin/);
    }
  });
  it('with --allow-remote, accepts the machine by IP literal, and only its own origin', () => {
    const remote = originPolicy('0.0.0.0', () => 4780, true);
    expect(remote.refuse(req('192.168.1.5:4780', 'http://192.168.1.5:4780'), { api: true })).toBeNull();
    expect(remote.refuse(req('[fe80::1]:4780'), { api: true })).toBeNull();
    expect(remote.refuse(req('192.168.1.5:4780', 'http://10.0.0.9:4780'), { api: true })).toMatch(/Origin/);
    expect(remote.refuse(req('rebound.example:4780'), { api: true })).toMatch(/Host/);
    expect(remote.refuse(req('192.168.1.5:4781'), { api: true })).toMatch(/Host/);
  });
});
