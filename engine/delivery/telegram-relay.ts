/**
 * The Telegram relay: long polling (a desktop needs no inbound port) with grammY's Bot API
 * client, pointed at `apiRoot` when set (proxies, tests). Only allow-listed chats are answered
 * or can act; other chats are ignored and counted. Unreachable → retries with back-off, and the
 * state (connected, last error, next retry) is published as `delivery.status`.
 */
import { Api } from 'grammy';
import type { CallbackQuery, Message as TgMessage, Update } from 'grammy/types';
import type { DeliveryTestResult, RelayStatus } from '../api/commands/delivery';
import { ApiError } from '../api/errors';
import { answerCommand, parseCommand, type Caller } from './telegram-commands';
import { describeTelegramError, TelegramSender } from './telegram-sender';
import { executionOutcome, SNOOZE_MINUTES, testMessage, plainText } from './templates';

export interface RelayConfig {
  token: string | null;
  chatIds: string[];
  enabled: boolean;
  apiRoot: string | null;
}

export interface RelayOptions {
  /** getUpdates long-poll timeout (s). */
  pollTimeoutSec: number;
  minIntervalMs: number;
  burstThreshold: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  now: () => number;
}

/** grammY's Node build types its signals with the abort-controller package; Node's own work at run time. */
type TgSignal = Parameters<Api['getMe']>[0];
const tg = (s: AbortSignal): TgSignal => s as unknown as TgSignal;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref?.();
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export class TelegramRelay {
  readonly sender: TelegramSender;
  private cfg: RelayConfig = { token: null, chatIds: [], enabled: false, apiRoot: null };
  private client: Api | null = null;
  private generation = 0;
  private abort: AbortController | null = null;
  private st: RelayStatus;
  private call: Caller | null = null;
  /** Signals a Telegram button is acting on right now (their message is edited by the button). */
  private readonly acting = new Set<number>();

  constructor(
    private readonly opts: RelayOptions,
    private readonly onStatus: (s: RelayStatus) => void,
    private readonly onIgnored: (count: number) => void,
    ignored = 0,
  ) {
    this.st = { state: 'off', botUsername: null, lastError: null, nextRetryAt: null, ignoredChats: ignored, queued: 0 };
    this.sender = new TelegramSender(() => this.client, { minIntervalMs: opts.minIntervalMs, burstThreshold: opts.burstThreshold, max429: 3, now: opts.now, sleep: (ms) => sleep(ms) });
  }

  /** The engine's commands, for chat commands and buttons. */
  setCaller(call: Caller): void {
    this.call = call;
  }

  actingOn(signalId: number): boolean {
    return this.acting.has(signalId);
  }

  status(): RelayStatus {
    return { ...this.st, queued: this.sender.queued() };
  }

  config(): RelayConfig {
    return this.cfg;
  }

  chatIds(): string[] {
    return this.cfg.chatIds;
  }

  api(): Api | null {
    return this.client;
  }

  /** Why nothing can be sent now, or null. */
  unavailable(): string | null {
    if (!this.cfg.enabled) return 'the Telegram relay is off';
    if (!this.cfg.token) return 'no Telegram bot token is set';
    if (!this.cfg.chatIds.length) return 'no Telegram chat is allow-listed';
    if (this.st.state === 'unauthorized') return this.st.lastError ?? 'bad token';
    return null;
  }

  /** Applies a configuration: stops the running poller and starts a new one when enabled. */
  configure(cfg: RelayConfig): void {
    this.stop();
    this.cfg = cfg;
    this.client = cfg.token ? new Api(cfg.token, { apiRoot: cfg.apiRoot ?? undefined, timeoutSeconds: this.opts.pollTimeoutSec + 15 }) : null;
    if (cfg.enabled && this.client) {
      const gen = ++this.generation;
      this.setStatus({ state: 'connecting', lastError: null, nextRetryAt: null, botUsername: null });
      void this.loop(gen);
    } else this.setStatus({ state: 'off', lastError: null, nextRetryAt: null, botUsername: null });
  }

  stop(): void {
    this.generation++;
    this.abort?.abort();
    this.abort = null;
    this.sender.clear('the Telegram relay was reconfigured or stopped');
  }

  private setStatus(p: Partial<RelayStatus>): void {
    this.st = { ...this.st, ...p };
    this.onStatus(this.status());
  }

  private async loop(gen: number): Promise<void> {
    let failures = 0;
    let offset = 0;
    const api = this.client!;
    while (gen === this.generation) {
      const ac = new AbortController();
      this.abort = ac;
      try {
        if (this.st.state !== 'connected') {
          const me = await api.getMe(tg(ac.signal));
          if (gen !== this.generation) return;
          this.setStatus({ state: 'connected', botUsername: me.username, lastError: null, nextRetryAt: null });
        }
        const updates = await api.getUpdates({ offset, timeout: this.opts.pollTimeoutSec, allowed_updates: ['message', 'callback_query'] }, tg(ac.signal));
        if (gen !== this.generation) return;
        failures = 0;
        for (const u of updates) {
          offset = u.update_id + 1;
          void this.handle(u).catch((e: unknown) => console.error('[delivery] telegram update failed:', e));
        }
      } catch (e) {
        if (gen !== this.generation) return;
        const d = describeTelegramError(e);
        if (d.httpStatus === 401) return void this.setStatus({ state: 'unauthorized', lastError: d.error, nextRetryAt: null });
        failures++;
        const wait = Math.max(d.retryAfterMs ?? 0, Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** (failures - 1)));
        this.setStatus({ state: 'retrying', lastError: d.error, nextRetryAt: Math.round(this.opts.now() + wait) });
        await sleep(wait, ac.signal);
      }
    }
  }

  private allowed(chatId: number | string | undefined): boolean {
    return chatId !== undefined && this.cfg.chatIds.includes(String(chatId));
  }

  private ignore(): void {
    this.st = { ...this.st, ignoredChats: this.st.ignoredChats + 1 };
    this.onIgnored(this.st.ignoredChats);
    this.onStatus(this.status());
  }

  private async handle(u: Update): Promise<void> {
    if (u.callback_query) return this.onCallback(u.callback_query);
    const m = u.message;
    if (!m) return;
    if (!this.allowed(m.chat.id)) return this.ignore();
    const cmd = m.text ? parseCommand(m.text) : null;
    if (!cmd || !this.call) return;
    let reply;
    try {
      reply = await answerCommand(cmd.name, cmd.args, this.call);
    } catch (e) {
      reply = { text: `/${cmd.name} failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    await this.sender.send(String(m.chat.id), { title: reply.text, body: '', actions: [] }, reply.keyboard);
  }

  private async onCallback(q: CallbackQuery): Promise<void> {
    const msg = q.message as TgMessage | undefined;
    const chat = msg?.chat.id ?? q.from.id;
    if (!this.allowed(chat) || !this.call || !this.client) return this.ignore();
    const api = this.client;
    const sid = /^(ack|exe|snz):(\d+)$/.exec(q.data ?? '');
    if (sid) this.acting.add(Number(sid[2]));
    let outcome: string;
    try {
      outcome = await this.act(q.data ?? '', this.call);
    } finally {
      if (sid) this.acting.delete(Number(sid[2]));
    }
    await api.answerCallbackQuery(q.id, { text: outcome.slice(0, 190) }).catch((e: unknown) => console.error('[delivery] answerCallbackQuery:', describeTelegramError(e).error));
    if (msg && 'text' in msg && msg.text !== undefined) {
      await api.editMessageText(chat, msg.message_id, `${msg.text}\n\n${outcome}`).catch((e: unknown) => console.error('[delivery] editMessageText:', describeTelegramError(e).error));
    }
  }

  /** Runs a button's action through the contract; answers what happened, in words. */
  private async act(data: string, call: Caller): Promise<string> {
    const [kind, arg] = data.split(':');
    const id = Number(arg);
    try {
      switch (kind) {
        case 'ack':
          await call('signals.ack', { id });
          return 'Acknowledged';
        case 'exe':
          return executionOutcome(await call('signals.execute', { id }));
        case 'snz': {
          const [s] = await call('signals.snooze', { id, minutes: SNOOZE_MINUTES });
          const at = s?.snoozedUntil ? ` — it comes back at ${new Date(s.snoozedUntil).toISOString().slice(11, 16)} UTC` : '';
          return `Snoozed ${SNOOZE_MINUTES} min${at}`;
        }
        case 'ks':
          if (arg === 'on') {
            await call('system.killSwitch', { on: true, reason: 'Telegram /stop' });
            return 'Kill switch ON — no new orders until it is released';
          }
          if (arg === 'off') {
            await call('system.killSwitch', { on: false });
            return 'Kill switch released — new orders allowed';
          }
          return 'Cancelled — nothing changed';
        default:
          return `Unknown button (${data}) — nothing changed`;
      }
    } catch (e) {
      return `Refused — ${e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Sends a test message to every allow-listed chat and says plainly what failed. */
  async test(): Promise<DeliveryTestResult> {
    const api = this.client;
    if (!api || !this.cfg.token) return { ok: false, reason: 'NOT_CONFIGURED', message: 'No bot token is set.', httpStatus: null };
    if (!this.cfg.chatIds.length) return { ok: false, reason: 'NOT_CONFIGURED', message: 'No chat id is allow-listed.', httpStatus: null };
    try {
      await api.getMe(tg(AbortSignal.timeout(15_000)));
    } catch (e) {
      const d = describeTelegramError(e);
      return { ok: false, reason: d.httpStatus === 401 ? 'BAD_TOKEN' : d.httpStatus === null ? 'NO_NETWORK' : 'HTTP_ERROR', message: d.error, httpStatus: d.httpStatus };
    }
    const text = plainText(testMessage());
    const failed: string[] = [];
    let worst: { reason: DeliveryTestResult['reason']; status: number | null } | null = null;
    for (const chat of this.cfg.chatIds) {
      try {
        await api.sendMessage(chat, text, {}, tg(AbortSignal.timeout(15_000)));
      } catch (e) {
        const d = describeTelegramError(e);
        failed.push(`chat ${chat}: ${d.error}`);
        worst = { reason: d.httpStatus === 400 && /unknown chat/.test(d.error) ? 'UNKNOWN_CHAT' : d.httpStatus === null ? 'NO_NETWORK' : 'HTTP_ERROR', status: d.httpStatus };
      }
    }
    if (!worst) return { ok: true, reason: 'SENT', message: `Sent a test message to ${this.cfg.chatIds.length} chat${this.cfg.chatIds.length === 1 ? '' : 's'}.`, httpStatus: 200 };
    return { ok: false, reason: worst.reason, message: failed.join('; '), httpStatus: worst.status };
  }
}
