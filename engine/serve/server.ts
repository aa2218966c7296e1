/**
 * Serve transport: the contract over HTTP and WebSocket on loopback.
 *   GET  /api/health               no token
 *   POST /api/call/<command>       Authorization: Bearer <token>, JSON body = input
 *   GET  /metrics                  Authorization: Bearer <token>; Prometheus text (engine/serve/metrics-route.ts)
 *   WS   /ws?token=…               {type:'call'|'subscribe'|'unsubscribe'|'auth'} messages
 *   GET  /                         the built renderer
 * Every request must name this server in Host and, from a browser, come from its own Origin
 * (engine/serve/guard.ts); bodies are bounded (engine/serve/body.ts); each WebSocket is handled
 * by engine/serve/ws-conn.ts. No request can throw out of here. See docs/security.md.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, toErrorBody } from '../api/errors';
import type { EventTopic } from '../api/contract';
import type { HealthResult } from '../api/contract';
import { MAX_BODY, readJsonBody } from './body';
import { originPolicy } from './guard';
import { isLoopback } from './args';
import { attachConnection, WS_LIMITS, type WsLimits } from './ws-conn';
import { tokenMatches } from './token';
import { createIntakeRoute } from '../intake/http';
import type { SystemMetrics } from '../api/commands/system-metrics';
import { createMetricsExporter } from './metrics-route';

/** What the transport needs of the host. */
export interface ServeHost {
  callRaw(name: string, input: unknown): Promise<unknown>;
  onAny(handler: (topic: EventTopic, payload: unknown) => void): () => void;
  health(): HealthResult;
  readonly options: { version: string };
}

export interface ServeOptions {
  host: ServeHost;
  token: string;
  port: number;
  bind: string;
  staticDir: string | null;
  log?: (line: string) => void;
  limits?: Partial<WsLimits>;
  /** HTTP calls in flight at once (all connections); more are answered 429 BUSY. */
  maxHttpInFlight?: number;
}

const csp = (host: string): string =>
  `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://${host}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(data),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(data);
}
function sendError(res: http.ServerResponse, err: unknown): void {
  const body = toErrorBody(err);
  const status = err instanceof ApiError ? err.status : new ApiError(body.code, body.message).status;
  sendJson(res, status, { error: body });
}

function bearer(req: http.IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m?.[1]?.trim() ?? null;
}

/** The decoded path of a request, or BAD_INPUT for a malformed % escape. */
function decodedPath(rawUrl: string | undefined): string {
  const pathname = new URL(rawUrl ?? '/', 'http://localhost').pathname;
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new ApiError('BAD_INPUT', 'Malformed % escape in the URL');
  }
}

function refuseUpgrade(socket: Duplex, status: string, reason: string): void {
  const body = JSON.stringify({ error: { code: status.startsWith('403') ? 'FORBIDDEN' : status.startsWith('401') ? 'UNAUTHORIZED' : 'NOT_FOUND', message: reason } });
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export interface ServeHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<ServeHandle> {
  const { host, token } = opts;
  const log = opts.log ?? ((l: string) => console.log(l));
  const limits: WsLimits = { ...WS_LIMITS, ...opts.limits };
  const maxHttpInFlight = opts.maxHttpInFlight ?? 64;
  const staticRoot = opts.staticDir ? path.resolve(opts.staticDir) : null;
  let boundPort = opts.port;
  const guard = originPolicy(opts.bind, () => boundPort, !isLoopback(opts.bind));
  let httpInFlight = 0;

  const intakeRoute = createIntakeRoute(host);
  const exporter = createMetricsExporter();
  const server = http.createServer((req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    handleHttp(req, res).catch((err: unknown) => {
      if (!(err instanceof ApiError)) log(`[serve] error answering ${req.method} ${String(req.url).slice(0, 80)}: ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent) sendError(res, err instanceof ApiError ? err : new ApiError('INTERNAL', 'Internal error'));
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket: Duplex) => {
    if ((socket as Socket).writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const pathname = decodedPath(req.url);
    // Inbound signals (POST /api/intake/<source>) authenticate with their source's own secret and
    // arrive through tunnels with a foreign Host (TradingView): they are answered before the
    // Host / Origin rule that guards the UI and the token API (docs/intake.md, docs/security.md).
    if (await intakeRoute(req, res, pathname)) return;
    const api = pathname.startsWith('/api/') || pathname === '/metrics';
    const refused = guard.refuse(req, { api });
    if (refused) throw new ApiError('FORBIDDEN', refused);
    if (pathname === '/api/health') {
      sendJson(res, 200, { ...host.health(), name: 'signaldesk', version: host.options.version });
      return;
    }
    if (pathname === '/metrics') {
      if (!tokenMatches(token, bearer(req))) throw new ApiError('UNAUTHORIZED', 'Missing or wrong token (Authorization: Bearer <token>)');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET');
        throw new ApiError('NOT_FOUND', 'Use GET /metrics');
      }
      const text = await exporter.render((await host.callRaw('system.metrics', {})) as SystemMetrics);
      res.writeHead(200, { 'content-type': exporter.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : text);
      return;
    }
    if (api) {
      if (!tokenMatches(token, bearer(req))) {
        throw new ApiError('UNAUTHORIZED', 'Missing or wrong token (Authorization: Bearer <token>)');
      }
      const m = /^\/api\/call\/([A-Za-z0-9_.-]{1,100})$/.exec(pathname);
      if (!m?.[1]) throw new ApiError('NOT_FOUND', `No such endpoint: ${pathname.slice(0, 100)}`);
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        throw new ApiError('NOT_FOUND', 'Use POST /api/call/<command>');
      }
      if (httpInFlight >= maxHttpInFlight) throw new ApiError('BUSY', `More than ${maxHttpInFlight} calls in flight; retry shortly`);
      httpInFlight++;
      try {
        const body = await readJsonBody(req);
        const result = await host.callRaw(m[1], body);
        sendJson(res, 200, { result });
      } finally {
        httpInFlight--;
      }
      return;
    }
    serveStatic(pathname, req, res);
  }

  function serveStatic(rel: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!staticRoot) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'The renderer is not built (npm run build)' } });
      return;
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(staticRoot, '.' + rel);
    if (!file.startsWith(staticRoot + path.sep) || rel.includes('\0')) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'Not found' } });
      return;
    }
    const target = fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(staticRoot, 'index.html');
    if (!fs.existsSync(target)) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'The renderer is not built (npm run build)' } });
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[path.extname(target)] ?? 'application/octet-stream',
      'content-security-policy': csp(req.headers.host ?? `127.0.0.1:${boundPort}`),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
    });
    const stream = fs.createReadStream(target);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  wss.on('error', (err) => log(`[serve] WebSocket server error: ${err.message}`));
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    try {
      let pathname: string;
      try {
        pathname = decodedPath(req.url);
      } catch {
        return refuseUpgrade(socket, '400 Bad Request', 'Malformed % escape in the URL');
      }
      if (pathname !== '/ws') return refuseUpgrade(socket, '404 Not Found', 'WebSocket is at /ws');
      const refused = guard.refuse(req, { api: true });
      if (refused) return refuseUpgrade(socket, '403 Forbidden', refused);
      const queryToken = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
      if (queryToken !== null && !tokenMatches(token, queryToken)) return refuseUpgrade(socket, '401 Unauthorized', 'Wrong token');
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        attachConnection(ws, { host, token, authed: queryToken !== null, limits, log, onClose: () => sockets.delete(ws) });
      });
    } catch (err) {
      log(`[serve] error during a WebSocket upgrade: ${(err as Error).message}`);
      socket.destroy();
    }
  });

  const sockets = new Set<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bind, () => resolve());
  });
  server.on('error', (err) => log(`[serve] server error: ${err.message}`));
  boundPort = (server.address() as AddressInfo).port;
  const hostPart = opts.bind.includes(':') ? `[${opts.bind}]` : opts.bind;
  const url = `http://${hostPart}:${boundPort}`;
  log(`[serve] listening on ${url}`);
  return {
    url,
    port: boundPort,
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
