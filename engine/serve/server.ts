/**
 * Serve transport: the contract over HTTP and WebSocket on loopback.
 *   GET  /api/health               no token
 *   POST /api/call/<command>       Authorization: Bearer <token>, JSON body = input
 *   WS   /ws?token=…               {type:'call'|'subscribe'|'unsubscribe'|'auth'} messages
 *   GET  /                         the built renderer
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, toErrorBody, type ApiErrorBody } from '../api/errors';
import { EVENT_TOPICS, isEventTopic, type EventTopic } from '../api/contract';
import type { Host } from '../host/host';
import { tokenMatches } from './token';
import { createIntakeRoute } from '../intake/http';

export interface ServeOptions {
  host: Host;
  token: string;
  port: number;
  bind: string;
  staticDir: string | null;
  log?: (line: string) => void;
}

const MAX_BODY = 1_000_000;
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
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

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(data),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
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

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError('BAD_INPUT', `Body larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new ApiError('BAD_INPUT', 'Body is not valid JSON', { reason: (e as Error).message }));
      }
    });
    req.on('error', reject);
  });
}

export interface ServeHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<ServeHandle> {
  const { host, token } = opts;
  const log = opts.log ?? ((l: string) => console.log(l));
  const staticRoot = opts.staticDir ? path.resolve(opts.staticDir) : null;

  const intakeRoute = createIntakeRoute(host);
  const server = http.createServer((req, res) => {
    void handleHttp(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    });
  });

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/health') {
      const h = host.health();
      sendJson(res, 200, { ...h, name: 'signaldesk', version: host.options.version });
      return;
    }
    if (await intakeRoute(req, res, url.pathname)) return;
    if (url.pathname.startsWith('/api/')) {
      if (!tokenMatches(token, bearer(req))) {
        throw new ApiError('UNAUTHORIZED', 'Missing or wrong token (Authorization: Bearer <token>)');
      }
      const m = /^\/api\/call\/([A-Za-z0-9_.-]+)$/.exec(url.pathname);
      if (!m?.[1]) throw new ApiError('NOT_FOUND', `No such endpoint: ${url.pathname}`);
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        throw new ApiError('NOT_FOUND', 'Use POST /api/call/<command>');
      }
      const body = await readBody(req);
      const result = await host.callRaw(m[1], body);
      sendJson(res, 200, { result });
      return;
    }
    serveStatic(url.pathname, res);
  }

  function serveStatic(pathname: string, res: http.ServerResponse): void {
    if (!staticRoot) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'The renderer is not built (npm run build)' } });
      return;
    }
    let rel = decodeURIComponent(pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(staticRoot, '.' + rel);
    if (!file.startsWith(staticRoot + path.sep)) {
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
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
    });
    fs.createReadStream(target).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') {
      socket.write('HTTP/1.1 404 Not Found\r\n\r\n');
      socket.destroy();
      return;
    }
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && !tokenMatches(token, queryToken)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, queryToken !== null));
  });

  const sockets = new Set<WebSocket>();
  function attach(ws: WebSocket, authed: boolean): void {
    sockets.add(ws);
    const topics = new Set<EventTopic>();
    const send = (m: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const off = host.onAny((topic, payload) => {
      if (topics.has(topic) && ws.bufferedAmount < 8_000_000) send({ type: 'event', topic, payload });
    });
    const authTimer = authed
      ? null
      : setTimeout(() => ws.close(4401, 'auth required'), 10_000);
    ws.on('close', () => {
      off();
      sockets.delete(ws);
      if (authTimer) clearTimeout(authTimer);
    });
    ws.on('message', (data) => {
      let msg: { type?: unknown; id?: unknown; name?: unknown; input?: unknown; topics?: unknown; token?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        send({ type: 'error', error: { code: 'BAD_INPUT', message: 'Message is not valid JSON' } satisfies ApiErrorBody });
        return;
      }
      const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
      if (!authed) {
        if (msg.type === 'auth' && typeof msg.token === 'string' && tokenMatches(token, msg.token)) {
          authed = true;
          if (authTimer) clearTimeout(authTimer);
          send({ type: 'auth', ok: true, id });
        } else {
          send({ type: 'error', id, error: { code: 'UNAUTHORIZED', message: 'Send {type:"auth", token} first' } });
          ws.close(4401, 'unauthorized');
        }
        return;
      }
      switch (msg.type) {
        case 'call': {
          const name = typeof msg.name === 'string' ? msg.name : '';
          host.callRaw(name, msg.input).then(
            (result) => send({ type: 'result', id, result }),
            (err: unknown) => send({ type: 'error', id, error: toErrorBody(err) }),
          );
          return;
        }
        case 'subscribe':
        case 'unsubscribe': {
          const list = Array.isArray(msg.topics) ? msg.topics : [];
          const bad = list.filter((t) => typeof t !== 'string' || !isEventTopic(t));
          if (bad.length) {
            send({ type: 'error', id, error: { code: 'BAD_INPUT', message: 'Unknown topics', details: { unknown: bad, known: EVENT_TOPICS } } });
            return;
          }
          for (const t of list as EventTopic[]) {
            if (msg.type === 'subscribe') topics.add(t);
            else topics.delete(t);
          }
          send({ type: 'subscribed', id, topics: [...topics] });
          return;
        }
        case 'auth':
          send({ type: 'auth', ok: true, id });
          return;
        default:
          send({ type: 'error', id, error: { code: 'BAD_INPUT', message: `Unknown message type: ${String(msg.type)}` } });
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bind, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = opts.bind.includes(':') ? `[${opts.bind}]` : opts.bind;
  const url = `http://${hostPart}:${port}`;
  log(`[serve] listening on ${url}`);
  return {
    url,
    port,
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
