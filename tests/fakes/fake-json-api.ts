/**
 * A fake HTTP JSON API on loopback (a sentiment index, an on-chain metric provider): each path
 * answers the JSON body a test sets, and can be told to answer late (past the client's timeout),
 * malformed (not JSON), with 429 and Retry-After, or with 500 — `times` requests in a row.
 * Every request is logged with its headers (to check what a sealed API key became).
 */
import type http from 'node:http';
import { LoopbackServer } from './loopback';

export type JsonFault = 'late' | 'malformed' | 'rateLimit' | 'server';

export class FakeJsonApi {
  readonly requests: Array<{ path: string; headers: http.IncomingHttpHeaders; status: number; fault: JsonFault | null }> = [];
  private readonly bodies = new Map<string, unknown>();
  private readonly faults: Array<{ fault: JsonFault; path?: string; times: number; retryAfterSec?: number }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  url = '';
  private readonly loop = new LoopbackServer((req, res) => this.handle(req, res));

  constructor(private readonly lateMs = 2000) {}

  async start(): Promise<string> {
    this.url = await this.loop.start();
    return this.url;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await this.loop.stop();
  }

  /** What GET `path` answers (200, JSON). */
  set(path: string, body: unknown): void {
    this.bodies.set(path, body);
  }

  inject(fault: JsonFault, o: { path?: string; times?: number; retryAfterSec?: number } = {}): void {
    this.faults.push({ fault, path: o.path, times: o.times ?? 1, retryAfterSec: o.retryAfterSec });
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const log = { path, headers: req.headers, status: 200, fault: null as JsonFault | null };
    this.requests.push(log);
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      log.status = status;
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    const i = this.faults.findIndex((f) => !f.path || f.path === path);
    if (i >= 0) {
      const f = this.faults[i]!;
      if (--f.times <= 0) this.faults.splice(i, 1);
      log.fault = f.fault;
      if (f.fault === 'rateLimit') return send(429, '{"error":"too many requests"}', { 'retry-after': String(f.retryAfterSec ?? 1) });
      if (f.fault === 'server') return send(500, '{"error":"internal"}');
      if (f.fault === 'malformed') return send(200, '{"data": [ {"value": "4');
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.reply(path, send);
      }, this.lateMs);
      this.timers.add(t);
      return;
    }
    this.reply(path, send);
  }

  private reply(path: string, send: (s: number, b: string) => void): void {
    if (!this.bodies.has(path)) return send(404, '{"error":"no such path"}');
    send(200, JSON.stringify(this.bodies.get(path)));
  }
}
