/**
 * The webhook `POST /api/intake/<sourceId>` (serve mode; the desktop's loopback listener reuses
 * it). No bearer token: the source's own secret authenticates (X-Signaldesk-Secret header or the
 * body's `secret` field, checked in the engine in constant time). Answers:
 *   202 {eventId}   accepted (or the first eventId of a repeated idempotencyKey)
 *   400             the body is not a signal: `error.details.fields` names each bad field
 *   401             wrong or missing secret, or no such source
 *   413             body over 64 KB
 *   429             over 60 per minute (bursts of 120) for the source, with Retry-After
 */
import type http from 'node:http';
import { toErrorBody, ERROR_STATUS } from '../api/errors';
import { RateLimiter } from './rate-limit';

export const INTAKE_MAX_BODY = 64 * 1024;
const PATH = /^\/api\/intake\/(\d{1,12})\/?$/;

export interface IntakeCaller {
  callRaw(name: string, input: unknown): Promise<unknown>;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(data)), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(data);
}

function readText(req: http.IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      return resolve(null);
    }
    let size = 0;
    const chunks: Buffer[] = [];
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Creates the route hook: returns true when it answered the request (the path was an intake path). */
export function createIntakeRoute(host: IntakeCaller, limiter = new RateLimiter(60, 120)): (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => Promise<boolean> {
  return async (req, res, pathname) => {
    const m = PATH.exec(pathname);
    if (!m) return false;
    if (req.method !== 'POST') {
      send(res, 405, { error: { code: 'BAD_INPUT', message: 'Use POST /api/intake/<sourceId>' } }, { allow: 'POST' });
      return true;
    }
    const source = Number(m[1]);
    const wait = limiter.take(String(source));
    if (wait > 0) {
      req.resume();
      const secs = Math.max(1, Math.ceil(wait / 1000));
      send(res, 429, { error: { code: 'RATE_LIMITED', message: `More than 60 signals per minute (bursts of 120) for source ${source}; retry in ${secs} s`, details: { retryAfterSeconds: secs } } }, { 'retry-after': String(secs) });
      return true;
    }
    const text = await readText(req, INTAKE_MAX_BODY);
    if (text === null) {
      send(res, 413, { error: { code: 'TOO_LARGE', message: `The body is larger than ${INTAKE_MAX_BODY} bytes`, details: { limit: INTAKE_MAX_BODY } } }, { connection: 'close' });
      return true;
    }
    const header = req.headers['x-signaldesk-secret'];
    const secret = typeof header === 'string' ? header : null;
    try {
      const r = (await host.callRaw('intake.webhook', { source, secret, body: text })) as { eventId: number; duplicate: boolean };
      send(res, 202, { eventId: r.eventId, duplicate: r.duplicate });
    } catch (e) {
      const body = toErrorBody(e);
      const status = body.code === 'NOT_FOUND' ? 401 : ERROR_STATUS[body.code];
      send(res, status, { error: body });
    }
    return true;
  };
}
