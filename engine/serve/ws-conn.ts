/**
 * One WebSocket connection of the serve transport. Until it authenticates a socket may send one
 * thing, `{type:'auth', token}`; anything else closes it. Malformed, binary, oversized and
 * non-UTF-8 frames close that socket with a code. Results and events share a per-connection
 * buffer budget (a client that does not read is closed, never buffered without bound), and the
 * calls in flight per connection are capped (a bounded queue holds a burst; past it, BUSY). Nothing a client sends can throw out of here.
 */
import type { WebSocket } from 'ws';
import { toErrorBody, type ApiErrorBody } from '../api/errors';
import { EVENT_TOPICS, isEventTopic, type EventTopic } from '../api/contract';
import { MAX_DEPTH, jsonDepth } from './body';
import { tokenMatches } from './token';

export const WS_CLOSE = {
  /** The client stopped reading and its unread results passed the budget. */
  OVER_BUDGET: 4008,
  MALFORMED: 4400,
  UNAUTHORIZED: 4401,
  /** Binary frames are not part of the protocol. */
  UNSUPPORTED: 1003,
  INTERNAL: 1011,
} as const;

export interface WsLimits {
  /** Unread bytes a connection may hold before it is closed with OVER_BUDGET. */
  resultBudget: number;
  /** Events are dropped for a connection holding more unread bytes than this. */
  eventBudget: number;
  /** Calls one connection may have in flight; more wait in its queue. */
  maxInFlight: number;
  /** Calls that may wait (count and bytes of their messages); past either, a call is answered BUSY. */
  maxQueued: number;
  maxQueuedBytes: number;
  /** An unauthenticated socket is closed after this long. */
  authTimeoutMs: number;
}

export const WS_LIMITS: WsLimits = { resultBudget: 16_000_000, eventBudget: 8_000_000, maxInFlight: 8, maxQueued: 256, maxQueuedBytes: 4_000_000, authTimeoutMs: 10_000 };

export interface ConnHost {
  callRaw(name: string, input: unknown): Promise<unknown>;
  onAny(handler: (topic: EventTopic, payload: unknown) => void): () => void;
}

type Msg = { type?: unknown; id?: unknown; name?: unknown; input?: unknown; topics?: unknown; token?: unknown };

export function attachConnection(ws: WebSocket, opts: { host: ConnHost; token: string; authed: boolean; limits: WsLimits; log: (line: string) => void; onClose: () => void }): void {
  const { host, token, limits, log } = opts;
  let authed = opts.authed;
  let inFlight = 0;
  const queue: Array<{ id: number | string | null; name: string; input: unknown; bytes: number }> = [];
  let queuedBytes = 0;
  let closing = false;
  const topics = new Set<EventTopic>();

  const close = (code: number, reason: string): void => {
    if (closing) return;
    closing = true;
    off();
    queue.length = 0;
    queuedBytes = 0;
    ws.close(code, reason);
    // A client that does not read never completes the closing handshake: cut it after a grace.
    setTimeout(() => ws.terminate(), 2000).unref();
  };
  /** Sends a reply; past the budget of unread bytes the connection is closed instead. */
  const reply = (m: unknown): void => {
    if (closing || ws.readyState !== ws.OPEN) return;
    const text = JSON.stringify(m);
    if (ws.bufferedAmount + text.length > limits.resultBudget) {
      log(`[serve] closing a WebSocket over its budget (${ws.bufferedAmount} bytes unread)`);
      close(WS_CLOSE.OVER_BUDGET, 'over budget: results not read');
      return;
    }
    ws.send(text);
  };
  const off = host.onAny((topic, payload) => {
    if (!topics.has(topic) || closing || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount < limits.eventBudget) ws.send(JSON.stringify({ type: 'event', topic, payload }));
  });
  const authTimer = authed ? null : setTimeout(() => close(WS_CLOSE.UNAUTHORIZED, 'auth required'), limits.authTimeoutMs);
  authTimer?.unref();

  ws.on('error', (err) => {
    // ws closes the socket itself (1007 bad UTF-8, 1009 too big, protocol errors); just note it.
    log(`[serve] WebSocket closed on a bad frame: ${err.message}`);
  });
  ws.on('close', () => {
    closing = true;
    queue.length = 0;
    off();
    if (authTimer) clearTimeout(authTimer);
    opts.onClose();
  });
  ws.on('message', (data, isBinary) => {
    try {
      onMessage(data as Buffer, isBinary);
    } catch (err) {
      log(`[serve] error handling a WebSocket message, connection closed: ${(err as Error).stack ?? String(err)}`);
      close(WS_CLOSE.INTERNAL, 'internal error');
    }
  });

  /** Runs a call; when it is answered, the next queued call of this connection starts. */
  function run(call: { id: number | string | null; name: string; input: unknown }): void {
    inFlight++;
    host
      .callRaw(call.name, call.input)
      .then(
        (result) => reply({ type: 'result', id: call.id, result }),
        (err: unknown) => reply({ type: 'error', id: call.id, error: toErrorBody(err) }),
      )
      .catch((err: unknown) => {
        log(`[serve] error answering a call, connection closed: ${String(err)}`);
        close(WS_CLOSE.INTERNAL, 'internal error');
      })
      .finally(() => {
        inFlight--;
        const next = closing ? undefined : queue.shift();
        if (next) {
          queuedBytes -= next.bytes;
          run(next);
        }
      });
  }

  function refuseUnauthed(id: unknown): void {
    reply({ type: 'error', id: idOf(id), error: { code: 'UNAUTHORIZED', message: 'Send {type:"auth", token} first' } satisfies ApiErrorBody });
    close(WS_CLOSE.UNAUTHORIZED, 'unauthorized');
  }

  function onMessage(data: Buffer, isBinary: boolean): void {
    if (closing) return;
    if (isBinary) return close(WS_CLOSE.UNSUPPORTED, 'binary frames are not accepted');
    const text = data.toString('utf8');
    let msg: Msg | null = null;
    if (jsonDepth(text) <= MAX_DEPTH) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) msg = parsed as Msg;
      } catch {
        msg = null;
      }
    }
    if (!authed) {
      if (msg?.type === 'auth' && typeof msg.token === 'string' && tokenMatches(token, msg.token)) {
        authed = true;
        if (authTimer) clearTimeout(authTimer);
        reply({ type: 'auth', ok: true, id: idOf(msg.id) });
      } else refuseUnauthed(msg?.id);
      return;
    }
    if (!msg) return close(WS_CLOSE.MALFORMED, `malformed message: a JSON object of at most ${MAX_DEPTH} levels`);
    const id = idOf(msg.id);
    switch (msg.type) {
      case 'call': {
        const call = { id, name: typeof msg.name === 'string' ? msg.name : '', input: msg.input, bytes: text.length };
        if (inFlight < limits.maxInFlight) run(call);
        else if (queue.length < limits.maxQueued && queuedBytes + call.bytes <= limits.maxQueuedBytes) {
          queue.push(call);
          queuedBytes += call.bytes;
        } else {
          reply({ type: 'error', id, error: { code: 'BUSY', message: `Too many calls waiting on this connection (${limits.maxInFlight} in flight, ${queue.length} queued); wait for answers`, details: { maxInFlight: limits.maxInFlight, maxQueued: limits.maxQueued } } });
        }
        return;
      }
      case 'subscribe':
      case 'unsubscribe': {
        const list: unknown[] = Array.isArray(msg.topics) ? msg.topics : [];
        const bad = list.filter((t) => typeof t !== 'string' || !isEventTopic(t));
        if (bad.length) {
          reply({ type: 'error', id, error: { code: 'BAD_INPUT', message: 'Unknown topics', details: { unknown: bad.slice(0, 20), known: EVENT_TOPICS } } });
          return;
        }
        for (const t of list as EventTopic[]) {
          if (msg.type === 'subscribe') topics.add(t);
          else topics.delete(t);
        }
        reply({ type: 'subscribed', id, topics: [...topics] });
        return;
      }
      case 'auth':
        if (typeof msg.token === 'string' && tokenMatches(token, msg.token)) reply({ type: 'auth', ok: true, id });
        else {
          reply({ type: 'auth', ok: false, id, error: { code: 'UNAUTHORIZED', message: 'Wrong token; connection closed' } });
          close(WS_CLOSE.UNAUTHORIZED, 'wrong token');
        }
        return;
      default:
        reply({ type: 'error', id, error: { code: 'BAD_INPUT', message: `Unknown message type: ${String(msg.type).slice(0, 40)}` } });
    }
  }
}

function idOf(id: unknown): number | string | null {
  return typeof id === 'number' || (typeof id === 'string' && id.length <= 64) ? id : null;
}
