/** WebSocket helpers for tests of the serve transport. */
import WebSocket from 'ws';

export function wsUrl(httpUrl: string, token?: string): string {
  return `${httpUrl.replace('http', 'ws')}/ws${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
}

export function wsOpen(url: string, opts: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/** Resolves with the close code the server sent (the socket's error, if any, is swallowed). */
export function closedWith(ws: WebSocket, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    ws.on('error', () => undefined);
    if (ws.readyState === WebSocket.CLOSED) return reject(new Error('already closed'));
    const t = setTimeout(() => reject(new Error('socket was not closed')), timeoutMs);
    ws.once('close', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

export function nextMessage(ws: WebSocket, pred: (m: any) => boolean, timeoutMs = 15_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout waiting for message')), timeoutMs);
    const on = (d: WebSocket.RawData): void => {
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
