/**
 * A webhook receiver on loopback that verifies Signaldesk's signatures the way docs/delivery.md
 * tells integrators to (HMAC-SHA256 of `timestamp + "." + raw body`, constant-time compare,
 * stale timestamps rejected), records every request, and fails on demand.
 */
import crypto from 'node:crypto';
import { LoopbackServer } from './loopback';

export interface Received {
  deliveryId: string;
  timestamp: string;
  signature: string;
  valid: boolean;
  raw: string;
  body: { id: string; type: string; ts: number; data: unknown };
  status: number;
}

export class WebhookReceiver {
  readonly server: LoopbackServer;
  readonly received: Received[] = [];
  url = '';
  private failures: Array<{ status: number; retryAfter?: string }> = [];

  constructor(
    readonly secret: string,
    private readonly maxAgeMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.server = new LoopbackServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(req.headers['x-signaldesk-timestamp'] ?? '');
        const signature = String(req.headers['x-signaldesk-signature'] ?? '');
        const valid = verify(this.secret, timestamp, raw, signature, this.maxAgeMs, this.now());
        const fail = valid ? this.failures.shift() : undefined;
        const status = !valid ? 401 : (fail?.status ?? 204);
        this.received.push({ deliveryId: String(req.headers['x-signaldesk-delivery'] ?? ''), timestamp, signature, valid, raw, body: JSON.parse(raw) as Received['body'], status });
        res.writeHead(status, fail?.retryAfter ? { 'retry-after': fail.retryAfter } : {});
        res.end();
      });
    });
  }

  async start(): Promise<string> {
    this.url = `${await this.server.start()}/hook`;
    return this.url;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Answers 204 again from now on. */
  recover(): void {
    this.failures = [];
  }

  /** The next requests answer these statuses (then 204 again). */
  failNext(...f: Array<{ status: number; retryAfter?: string }>): void {
    this.failures.push(...f);
  }
}

/** What a receiver does (docs/delivery.md): recompute, compare in constant time, refuse stale timestamps. */
export function verify(secret: string, timestamp: string, raw: string, header: string, maxAgeMs: number, now: number): boolean {
  const ts = Number(timestamp);
  if (!Number.isFinite(ts) || Math.abs(now - ts) > maxAgeMs) return false;
  const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(header);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
