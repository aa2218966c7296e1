/**
 * A webhook target (`webhook:<id>`): a POST of {id, type, ts, data} signed with
 * HMAC-SHA256(secret, timestamp + "." + raw body). Headers: X-Signaldesk-Timestamp (ms),
 * X-Signaldesk-Signature (sha256=<hex>), X-Signaldesk-Delivery (the same on every retry).
 * Network errors, 5xx and 429 (with Retry-After) may be retried; other 4xx are final.
 */
import crypto from 'node:crypto';
import type { DeliveryJobView, DeliveryTargetPort, SendResult } from './types';

export const TIMEOUT_MS = 10_000;

export function sign(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** Retry-After in seconds or as an HTTP date → ms (null when absent or unreadable). */
export function retryAfterMs(h: string | null, now: number): number | null {
  if (!h) return null;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.max(0, t - now) : null;
}

export interface WebhookConfig {
  id: number;
  url: string;
  enabled: boolean;
  /** The secret in clear, opened only for signing. */
  secret: () => string;
}

export class WebhookTarget implements DeliveryTargetPort {
  readonly id: string;
  constructor(
    private readonly hook: WebhookConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.id = `webhook:${hook.id}`;
  }

  unavailable(): string | null {
    return this.hook.enabled ? null : `webhook ${this.hook.id} is disabled`;
  }

  /** The body of a delivery: exactly these bytes are signed. */
  static body(job: Pick<DeliveryJobView, 'deliveryId' | 'type' | 'eventTs' | 'data'>): string {
    return JSON.stringify({ id: job.deliveryId, type: job.type, ts: Math.round(job.eventTs), data: job.data });
  }

  async send(job: DeliveryJobView): Promise<SendResult> {
    const body = WebhookTarget.body(job);
    const ts = String(Math.round(this.now()));
    let res: Response;
    try {
      res = await fetch(this.hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Signaldesk-Webhook/1',
          'x-signaldesk-timestamp': ts,
          'x-signaldesk-signature': sign(this.hook.secret(), ts, body),
          'x-signaldesk-delivery': job.deliveryId,
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'manual',
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { ok: false, final: false, error: `network error: ${cause ?? (e as Error).name ?? 'unreachable'}` };
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, httpStatus: res.status };
    if (res.status === 429 || res.status >= 500) {
      return { ok: false, final: false, httpStatus: res.status, error: `HTTP ${res.status}`, retryAfterMs: retryAfterMs(res.headers.get('retry-after'), this.now()) ?? undefined };
    }
    return { ok: false, final: true, httpStatus: res.status, error: `HTTP ${res.status} (final: the receiver refused it)` };
  }
}
