/**
 * The desktop's loopback intake listener: an HTTP server that answers only
 * `POST /api/intake/<sourceId>` (the same handler as serve mode). Off until enabled
 * (`intake.listener.set {enabled: true, port}`); expose it through a tunnel for TradingView
 * (docs/intake.md). Runs where the Host is (Electron main), not in the engine worker.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIntakeRoute, type IntakeCaller } from './http';

export interface IntakeListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startIntakeListener(host: IntakeCaller, port: number, bind = '127.0.0.1'): Promise<IntakeListener> {
  const route = createIntakeRoute(host);
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    route(req, res, pathname)
      .then((answered) => {
        if (answered) return;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'This listener answers only POST /api/intake/<sourceId>' } }));
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bind, () => resolve());
  });
  const p = (server.address() as AddressInfo).port;
  return {
    url: `http://${bind}:${p}`,
    port: p,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Keeps one listener in line with the setting (start, move, stop); errors are reported, never thrown. */
export class IntakeListenerControl {
  private current: { port: number; l: IntakeListener } | null = null;
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private readonly host: IntakeCaller,
    private readonly log: (line: string) => void = (l) => console.log(l),
  ) {}
  apply(s: { enabled: boolean; port: number }): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.current && (!s.enabled || this.current.port !== s.port)) {
        await this.current.l.close();
        this.log('[intake] loopback listener stopped');
        this.current = null;
      }
      if (s.enabled && !this.current) {
        try {
          const l = await startIntakeListener(this.host, s.port);
          this.current = { port: s.port, l };
          this.log(`[intake] loopback listener on ${l.url}/api/intake/<sourceId>`);
        } catch (e) {
          this.log(`[intake] loopback listener could not start on port ${s.port}: ${(e as Error).message}`);
        }
      }
    });
    return this.chain;
  }
  get url(): string | null {
    return this.current?.l.url ?? null;
  }
}
