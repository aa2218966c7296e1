/**
 * The Telegram target: renders a job's template and queues it for every allow-listed chat
 * (engine/delivery/telegram-sender.ts); signal messages carry Acknowledge / Execute / Snooze
 * 15 min buttons. A chat that already got a job is not sent it again on a retry.
 */
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { TelegramRelay } from './telegram-relay';
import { render, type SignalPayload } from './templates';
import type { DeliveryJobView, DeliveryTargetPort, SendResult } from './types';

const BUTTON_DATA = { ack: 'ack', execute: 'exe', snooze: 'snz' } as const;

export class TelegramTarget implements DeliveryTargetPort {
  readonly id = 'telegram';
  /** The sender queues per chat and rate-limits itself: hand it every job, so a burst can become one summary. */
  readonly concurrency = 10_000;
  private readonly done = new Map<string, Set<string>>();
  /** Signal messages on the phone, kept so an action taken on the desktop can show there too. */
  private readonly signalMessages = new Map<number, Array<{ chat: string; messageId: number; text: string }>>();
  /**
   * Signals whose message is on its way (sent, reply not yet back), with what was done on the
   * desktop meanwhile: Telegram may show the message before we learn its id, and an action taken
   * in that window must still reach the phone once the id is known.
   */
  private readonly inFlight = new Map<number, { n: number; line: string | null }>();

  constructor(private readonly relay: TelegramRelay) {}

  /** Edits a signal's messages to show what was done elsewhere, and drops their buttons. */
  showElsewhere(signalId: number, line: string): void {
    if (this.relay.actingOn(signalId)) return;
    const pending = this.inFlight.get(signalId);
    if (pending) pending.line = line;
    const list = this.signalMessages.get(signalId);
    const api = this.relay.api();
    if (!list || !api) return;
    this.signalMessages.delete(signalId);
    for (const m of list) void api.editMessageText(m.chat, m.messageId, `${m.text}\n\n${line}`).catch((e: unknown) => console.error('[delivery] editMessageText:', e instanceof Error ? e.message : e));
  }

  unavailable(): string | null {
    return this.relay.unavailable();
  }

  async send(job: DeliveryJobView): Promise<SendResult> {
    const m = render(job.type, job.data);
    let keyboard: InlineKeyboardMarkup | undefined;
    if (m.actions.length && (job.type === 'signal.created' || job.type === 'signal.reminder')) {
      const id = (job.data as SignalPayload).id;
      keyboard = { inline_keyboard: [m.actions.map((a) => ({ text: a.label, callback_data: `${BUTTON_DATA[a.id]}:${id}` }))] };
    }
    const done = this.done.get(job.deliveryId) ?? new Set<string>();
    const chats = this.relay.chatIds().filter((c) => !done.has(c));
    const signalId = keyboard ? (job.data as SignalPayload).id : null;
    const pending = signalId === null ? null : (this.inFlight.get(signalId) ?? { n: 0, line: null });
    if (signalId !== null && pending) {
      pending.n++;
      this.inFlight.set(signalId, pending);
    }
    let outcomes: Array<{ chat: string; o: Awaited<ReturnType<TelegramRelay['sender']['send']>> }>;
    try {
      outcomes = await Promise.all(chats.map(async (c) => ({ chat: c, o: await this.relay.sender.send(c, m, keyboard) })));
    } finally {
      if (signalId !== null && pending && --pending.n === 0) this.inFlight.delete(signalId);
    }
    if (signalId !== null) {
      const sent = outcomes.filter((x) => x.o.ok && !x.o.summarized && x.o.messageId !== null).map((x) => ({ chat: x.chat, messageId: x.o.messageId!, text: x.o.text }));
      if (sent.length) this.signalMessages.set(signalId, [...(this.signalMessages.get(signalId) ?? []), ...sent]);
      if (this.signalMessages.size > 2000) this.signalMessages.delete(this.signalMessages.keys().next().value!);
      // Acted on the desktop while the message was on its way: show it now that its id is known.
      if (pending?.line) this.showElsewhere(signalId, pending.line);
    }
    const failed = outcomes.filter((x) => !x.o.ok);
    for (const x of outcomes) if (x.o.ok) done.add(x.chat);
    if (!failed.length) {
      this.done.delete(job.deliveryId);
      return { ok: true, httpStatus: 200 };
    }
    const final = failed.every((x) => x.o.final);
    if (final) this.done.delete(job.deliveryId);
    else {
      this.done.set(job.deliveryId, done);
      if (this.done.size > 10_000) this.done.delete(this.done.keys().next().value!);
    }
    return { ok: false, final, error: failed.map((x) => `chat ${x.chat}: ${x.o.error}`).join('; '), httpStatus: failed[0]!.o.httpStatus };
  }
}
