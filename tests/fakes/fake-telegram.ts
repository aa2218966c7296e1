/**
 * A fake Telegram Bot API on loopback: the methods the relay calls (getMe, getUpdates with long
 * polling, sendMessage, editMessageText, answerCallbackQuery) under /bot<token>/<method>.
 * A wrong token gets 401; `rateLimit(n, s)` answers the next n sendMessage with 429 and
 * `retry_after`; `hang()` accepts requests and never answers (Telegram unreachable); chats not in
 * `knownChats` get 400 "chat not found".
 */
import type http from 'node:http';
import { LoopbackServer } from './loopback';

export interface SentMessage {
  chatId: string;
  messageId: number;
  text: string;
  buttons: Array<{ text: string; data: string }>;
}

interface Waiter {
  offset: number;
  res: http.ServerResponse;
  timer: NodeJS.Timeout;
}

export class FakeTelegram {
  readonly server: LoopbackServer;
  url = '';
  readonly sent: SentMessage[] = [];
  readonly edits: Array<{ chatId: string; messageId: number; text: string }> = [];
  readonly answers: Array<{ id: string; text: string }> = [];
  readonly calls: string[] = [];
  readonly rateLimited: string[] = [];
  private updates: Array<{ update_id: number } & Record<string, unknown>> = [];
  private waiters: Waiter[] = [];
  private nextUpdate = 1;
  private nextMessage = 100;
  private limitLeft = 0;
  private limitSeconds = 1;
  private hanging = false;
  private readonly knownChats: Set<string>;

  constructor(
    readonly token = '123456:TEST-token-abcdefghijklmnopqrstuvwxyz',
    chats: string[] = ['1001', '1002', '666'],
  ) {
    this.knownChats = new Set(chats);
    this.server = new LoopbackServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<string> {
    this.url = await this.server.start();
    return this.url;
  }

  async stop(): Promise<void> {
    for (const w of this.waiters.splice(0)) clearTimeout(w.timer);
    await this.server.stop();
  }

  rateLimit(n: number, retryAfterSeconds: number): void {
    this.limitLeft = n;
    this.limitSeconds = retryAfterSeconds;
  }

  hang(on = true): void {
    this.hanging = on;
  }

  pushCommand(chatId: string | number, text: string): void {
    this.push({ message: { message_id: this.nextMessage++, date: 0, chat: { id: Number(chatId), type: 'private' }, from: { id: Number(chatId), is_bot: false, first_name: 'T' }, text } });
  }

  pushCallback(chatId: string | number, messageId: number, data: string): string {
    const id = `cb${this.nextUpdate}`;
    const original = this.sent.find((m) => m.messageId === messageId);
    this.push({
      callback_query: {
        id,
        from: { id: Number(chatId), is_bot: false, first_name: 'T' },
        chat_instance: 'x',
        data,
        message: { message_id: messageId, date: 0, chat: { id: Number(chatId), type: 'private' }, text: original?.text ?? '' },
      },
    });
    return id;
  }

  private push(u: Record<string, unknown>): void {
    this.updates.push({ update_id: this.nextUpdate++, ...u });
    for (const w of this.waiters.splice(0)) this.answerUpdates(w);
  }

  private answerUpdates(w: Waiter): void {
    clearTimeout(w.timer);
    const result = this.updates.filter((u) => u.update_id >= w.offset);
    json(w.res, 200, { ok: true, result });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (this.hanging) return; // never answers
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (!m) return json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, token, method] = m;
      this.calls.push(method!);
      if (token !== this.token) return json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      let p: Record<string, unknown> = {};
      try {
        const raw = Buffer.concat(chunks).toString('utf8');
        p = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: cannot parse JSON' });
      }
      this.method(method!, p, res);
    });
  }

  private method(method: string, p: Record<string, unknown>, res: http.ServerResponse): void {
    switch (method) {
      case 'getMe':
        return json(res, 200, { ok: true, result: { id: 42, is_bot: true, first_name: 'Signaldesk', username: 'signaldesk_test_bot' } });
      case 'getUpdates': {
        const offset = Number(p.offset ?? 0);
        this.updates = this.updates.filter((u) => u.update_id >= offset);
        const w: Waiter = { offset, res, timer: setTimeout(() => this.answerUpdates(w), Math.min(30, Number(p.timeout ?? 0)) * 1000) };
        if (this.updates.length) return this.answerUpdates(w);
        this.waiters.push(w);
        res.on('close', () => (this.waiters = this.waiters.filter((x) => x !== w)));
        return;
      }
      case 'sendMessage': {
        const chatId = String(p.chat_id);
        if (this.limitLeft > 0) {
          this.limitLeft--;
          this.rateLimited.push(chatId);
          return json(res, 429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${this.limitSeconds}`, parameters: { retry_after: this.limitSeconds } });
        }
        if (!this.knownChats.has(chatId)) return json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
        const kb = (p.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> } | undefined)?.inline_keyboard ?? [];
        const msg: SentMessage = { chatId, messageId: this.nextMessage++, text: String(p.text), buttons: kb.flat().map((b) => ({ text: b.text, data: b.callback_data })) };
        this.sent.push(msg);
        return json(res, 200, { ok: true, result: { message_id: msg.messageId, date: 0, chat: { id: Number(chatId), type: 'private' }, text: msg.text } });
      }
      case 'editMessageText':
        this.edits.push({ chatId: String(p.chat_id), messageId: Number(p.message_id), text: String(p.text) });
        return json(res, 200, { ok: true, result: true });
      case 'answerCallbackQuery':
        this.answers.push({ id: String(p.callback_query_id), text: String(p.text ?? '') });
        return json(res, 200, { ok: true, result: true });
      default:
        return json(res, 404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
    }
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
