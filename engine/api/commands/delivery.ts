/**
 * Delivery area: one delivery layer sends signals, FAILED order decisions, drawdown stages and
 * kill-switch changes to the desktop, the Telegram relay and signed webhooks, and logs every
 * attempt. Secrets (the bot token, webhook secrets) are sealed at rest and never returned.
 */
import { z } from 'zod';
import { command, Empty } from './define';

export const DELIVERY_STATUSES = ['delivered', 'retrying', 'failed', 'dropped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The relay's connection to the Telegram Bot API. */
export type RelayState = 'off' | 'connecting' | 'connected' | 'retrying' | 'unauthorized';
export interface RelayStatus {
  state: RelayState;
  /** The bot's @username once getMe answered. */
  botUsername: string | null;
  lastError: string | null;
  /** When the relay tries again (ms UTC), while retrying. */
  nextRetryAt: number | null;
  /** Updates from chats not on the allow-list: ignored and counted. */
  ignoredChats: number;
  /** Messages waiting in the per-chat queues. */
  queued: number;
}

export interface TelegramSettings {
  enabled: boolean;
  /** Whether a bot token is stored (the token itself is never returned). */
  hasToken: boolean;
  chatIds: string[];
  apiRoot: string | null;
  status: RelayStatus;
}

export interface DeliveryTestResult {
  ok: boolean;
  /** What happened, in plain words ("sent to 2 chats", "bad token: Telegram answered 401 Unauthorized"). */
  message: string;
  reason: 'SENT' | 'NOT_CONFIGURED' | 'BAD_TOKEN' | 'UNKNOWN_CHAT' | 'NO_NETWORK' | 'HTTP_ERROR' | 'REJECTED';
  httpStatus: number | null;
}

export interface Webhook {
  id: number;
  url: string;
  /** Topic names of the contract, or `*`. */
  events: string[];
  enabled: boolean;
  /** Always true: a secret is required; it is sealed and never returned. */
  hasSecret: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryAttempt {
  id: number;
  /** Stable across retries (the webhook's X-Signaldesk-Delivery header). */
  deliveryId: string;
  /** `desktop`, `telegram` or `webhook:<id>`. */
  target: string;
  /** Event type: `signal.created`, `order.failed`, `risk.stage`, `killswitch.changed`, a contract topic, … */
  eventType: string;
  /** What the event is about (`signal:12`, `intent:7`, …). */
  ref: string;
  attempt: number;
  status: DeliveryStatus;
  httpStatus: number | null;
  error: string | null;
  /** From the event to this attempt's answer (ms). */
  latencyMs: number;
  eventTs: number;
  ts: number;
  /** When the next attempt is due, while retrying. */
  nextAttemptAt: number | null;
}

export interface TargetMetrics {
  target: string;
  sent: number;
  failed: number;
  retrying: number;
  dropped: number;
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
}
export interface ChannelDeliveryMetrics {
  channelId: number;
  name: string;
  delivered: number;
  acknowledged: number;
  executed: number;
  snoozed: number;
  /** acknowledged ÷ delivered */
  acknowledgedRate: number;
  /** executed ÷ delivered */
  executionConversion: number;
  /** snoozed ÷ delivered */
  snoozeRate: number;
}
export interface DeliveryMetrics {
  since: number;
  targets: TargetMetrics[];
  channels: ChannelDeliveryMetrics[];
}

const ChatId = z.union([z.number().int(), z.string().regex(/^-?\d{1,20}$|^@[A-Za-z0-9_]{5,32}$/, 'a numeric chat id or @channelname')]).transform(String);
const WebhookEvents = z.array(z.string().min(1).max(64).regex(/^(\*|[a-z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)+)$/, 'a topic name like signal.created, or *')).min(1).max(50);
const WebhookUrl = z.url({ protocol: /^https?$/ }).max(2000);
const Secret = z.string().min(8, 'at least 8 characters').max(256);
const Id = z.number().int().positive();

export const deliveryCommands = {
  'delivery.telegram.get': command<TelegramSettings>()('The Telegram relay: allow-listed chats, whether a token is stored (never the token), and the relay status.', Empty),
  'delivery.telegram.set': command<TelegramSettings>()(
    'Configures the Telegram relay: bot token (sealed at rest, never returned), allow-listed chat ids, enabled, and an API root (proxies, tests). Omitted fields keep their value.',
    z
      .object({
        botToken: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'a bot token like 123456:ABC…').nullable().optional(),
        chatIds: z.array(ChatId).max(20).optional(),
        enabled: z.boolean().optional(),
        apiRoot: z.url({ protocol: /^https?$/ }).max(500).nullable().optional(),
      })
      .strict(),
  ),
  'delivery.telegram.test': command<DeliveryTestResult>()('Sends a test message to every allow-listed chat and says plainly what failed: a bad token, an unknown chat, no network.', Empty),
  'delivery.webhooks.list': command<Webhook[]>()('Webhooks (secrets are never returned).', Empty),
  'delivery.webhooks.create': command<Webhook>()(
    'Adds a webhook: POSTs of {id, type, ts, data} signed with HMAC-SHA256 of the secret (sealed at rest), for the listed topics or *.',
    z.object({ url: WebhookUrl, secret: Secret, events: WebhookEvents, enabled: z.boolean().default(true) }).strict(),
  ),
  'delivery.webhooks.update': command<Webhook>()(
    'Changes a webhook; omitted fields keep their value.',
    z.object({ id: Id, url: WebhookUrl.optional(), secret: Secret.optional(), events: WebhookEvents.optional(), enabled: z.boolean().optional() }).strict(),
  ),
  'delivery.webhooks.test': command<DeliveryTestResult>()('Sends a signed `delivery.test` event to a webhook once and reports the answer.', z.object({ id: Id }).strict()),
  'delivery.webhooks.delete': command<{ deleted: boolean }>()('Deletes a webhook (its delivery log stays).', z.object({ id: Id }).strict()),
  'delivery.logs': command<DeliveryAttempt[]>()(
    'Every delivery attempt, newest first.',
    z
      .object({
        target: z.string().min(1).max(64).optional(),
        status: z.enum(DELIVERY_STATUSES).optional(),
        since: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
  ),
  'delivery.metrics': command<DeliveryMetrics>()(
    'Per target: sent, failed, p50/p99 latency from the event; per signal channel: acknowledged rate, execution conversion (executed ÷ delivered) and snooze rate.',
    z.object({ since: z.number().int().min(0).optional() }).strict(),
  ),
} as const;

export interface DeliveryEvents {
  /** One delivery attempt was logged. */
  'delivery.attempt': DeliveryAttempt;
  /** The Telegram relay's status changed. */
  'delivery.status': RelayStatus;
}
export const DELIVERY_TOPICS = ['delivery.attempt', 'delivery.status'] as const satisfies readonly (keyof DeliveryEvents)[];
