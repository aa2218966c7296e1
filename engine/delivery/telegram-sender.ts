/**
 * Outgoing Telegram messages: one queue per chat, about one message per second per chat;
 * `retry_after` of a 429 is honoured (waited, then the same message is sent again); when a
 * queue holds a burst, its messages go out as one summary. Each queued message resolves with
 * what happened to it.
 */
import { GrammyError, HttpError, type Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { burstSummary, plainText, type Message } from './templates';

export interface SendOutcome {
  ok: boolean;
  /** Final: sending again would not help (bad token, unknown chat, blocked). */
  final: boolean;
  error: string | null;
  httpStatus: number | null;
  messageId: number | null;
  /** The text that went out (the summary's, for a burst). */
  text: string;
  summarized: boolean;
}

interface Outgoing {
  message: Message;
  keyboard?: InlineKeyboardMarkup;
  resolve(o: SendOutcome): void;
}

interface ChatQueue {
  items: Outgoing[];
  running: boolean;
  lastSentAt: number;
}

export interface SenderOptions {
  /** Minimum gap between two messages to one chat (ms). */
  minIntervalMs: number;
  /** A queue this long (or longer) is sent as one summary. */
  burstThreshold: number;
  /** 429s honoured for one message before it is given back as retryable. */
  max429: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Plain words for a Bot API failure. */
export function describeTelegramError(e: unknown): { final: boolean; error: string; httpStatus: number | null; retryAfterMs?: number } {
  if (e instanceof GrammyError) {
    const code = e.error_code;
    if (code === 401) return { final: true, error: 'bad token: Telegram answered 401 Unauthorized', httpStatus: 401 };
    if (code === 429) return { final: false, error: `rate limited: Telegram asked to wait ${e.parameters.retry_after ?? '?'} s`, httpStatus: 429, retryAfterMs: (e.parameters.retry_after ?? 1) * 1000 };
    if (code === 400 && /chat not found/i.test(e.description)) return { final: true, error: `unknown chat: ${e.description}`, httpStatus: 400 };
    if (code === 403) return { final: true, error: `the bot may not write to this chat: ${e.description}`, httpStatus: 403 };
    if (code >= 500) return { final: false, error: `Telegram failed: ${code} ${e.description}`, httpStatus: code };
    return { final: true, error: `Telegram refused it: ${code} ${e.description}`, httpStatus: code };
  }
  if (e instanceof HttpError) return { final: false, error: `no network: ${String((e.error as Error | undefined)?.message ?? e.message)}`, httpStatus: null };
  return { final: false, error: String(e), httpStatus: null };
}

export class TelegramSender {
  private readonly chats = new Map<string, ChatQueue>();

  constructor(
    private readonly api: () => Api | null,
    private readonly opts: SenderOptions,
  ) {}

  /** Messages waiting in every chat's queue. */
  queued(): number {
    let n = 0;
    for (const q of this.chats.values()) n += q.items.length;
    return n;
  }

  send(chatId: string, message: Message, keyboard?: InlineKeyboardMarkup): Promise<SendOutcome> {
    let q = this.chats.get(chatId);
    if (!q) this.chats.set(chatId, (q = { items: [], running: false, lastSentAt: -Infinity }));
    const p = new Promise<SendOutcome>((resolve) => q.items.push({ message, keyboard, resolve }));
    if (!q.running) void this.run(chatId, q);
    return p;
  }

  /** Gives every queued message back as failed (the relay was reconfigured or stopped). */
  clear(reason: string): void {
    for (const q of this.chats.values()) for (const o of q.items.splice(0)) o.resolve({ ok: false, final: false, error: reason, httpStatus: null, messageId: null, text: '', summarized: false });
  }

  private async run(chatId: string, q: ChatQueue): Promise<void> {
    q.running = true;
    try {
      while (q.items.length) {
        const wait = q.lastSentAt + this.opts.minIntervalMs - this.opts.now();
        if (wait > 0) await this.opts.sleep(wait);
        if (!q.items.length) break;
        const batch = q.items.length >= this.opts.burstThreshold ? q.items.splice(0) : [q.items.shift()!];
        const summarized = batch.length > 1;
        const message = summarized ? burstSummary(batch.map((b) => b.message)) : batch[0]!.message;
        const outcome = await this.sendOne(chatId, plainText(message), summarized ? undefined : batch[0]!.keyboard);
        q.lastSentAt = this.opts.now();
        for (const b of batch) b.resolve({ ...outcome, summarized });
      }
    } finally {
      q.running = false;
    }
  }

  private async sendOne(chatId: string, text: string, keyboard?: InlineKeyboardMarkup): Promise<Omit<SendOutcome, 'summarized'>> {
    for (let tries = 0; ; tries++) {
      const api = this.api();
      if (!api) return { ok: false, final: false, error: 'the Telegram relay is off', httpStatus: null, messageId: null, text };
      try {
        const m = await api.sendMessage(chatId, text, keyboard ? { reply_markup: keyboard } : {});
        return { ok: true, final: false, error: null, httpStatus: 200, messageId: m.message_id, text };
      } catch (e) {
        const d = describeTelegramError(e);
        if (d.httpStatus === 429 && tries < this.opts.max429) {
          await this.opts.sleep(d.retryAfterMs ?? 1000);
          continue;
        }
        return { ok: false, final: d.final, error: d.error, httpStatus: d.httpStatus, messageId: null, text };
      }
    }
  }
}
