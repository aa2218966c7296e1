/**
 * Each event type's text, written once: the desktop popup, the Telegram message and the
 * summaries all render from here, never at the call sites.
 */
import type { Notification } from '../api/commands/notify';
import type { KillSwitchState, OrderIntent, SignalExecution } from '../api/commands/orders';
import type { Signal } from '../api/commands/signals';
import { px } from '../strategies/common';

export interface MessageAction {
  /** Short id (`ack`, `execute`, `snooze`); the popup and the Telegram button both use it. */
  id: 'ack' | 'execute' | 'snooze';
  label: string;
}

export interface Message {
  title: string;
  body: string;
  actions: MessageAction[];
}

export const SIGNAL_ACTIONS: MessageAction[] = [
  { id: 'ack', label: 'Acknowledge' },
  { id: 'execute', label: 'Execute' },
  { id: 'snooze', label: 'Snooze 15 min' },
];
export const SNOOZE_MINUTES = 15;

/** Event types the delivery layer sends beyond plain contract topics. */
export type DeliveryEventType = 'signal.created' | 'signal.reminder' | 'order.failed' | 'risk.stage' | 'killswitch.changed' | 'notification' | 'alert' | 'delivery.test';

/** A signal job's data: the signal as published (`channelName` filled in). */
export type SignalPayload = Signal;

// "BUY ETH/USDT 3,247.50 — stop 3,212.00, target 3,350.00, confidence 78 % — broke the 20-bar high on 1.8× volume"
export function signalMessage(p: SignalPayload, reminder = false): Message {
  const s = p;
  return {
    title: `${reminder ? 'Reminder: ' : ''}${s.side.toUpperCase()} ${s.symbol} ${px(s.entry)}`,
    body: `stop ${px(s.stopLoss)}, target ${px(s.takeProfit)}, confidence ${Math.round(s.confidence * 100)} %${s.reasons[0] ? ` — ${s.reasons[0]}` : ''}\n${s.strategy} · ${s.timeframe} · ${s.channelName ?? `channel ${s.channelId}`}`,
    actions: SIGNAL_ACTIONS,
  };
}

export function notificationMessage(n: Pick<Notification, 'title' | 'body'>): Message {
  return { title: n.title, body: n.body, actions: [] };
}

export function killSwitchMessage(k: KillSwitchState): Message {
  return k.on
    ? { title: 'Kill switch ON: no new orders', body: k.reason ?? '', actions: [] }
    : { title: 'Kill switch OFF: new orders allowed again', body: '', actions: [] };
}

export function testMessage(): Message {
  return { title: 'Signaldesk test message', body: 'If you read this, delivery to this chat works.', actions: [] };
}

/** Renders any job's message from its type and data. */
export function render(type: string, data: unknown): Message {
  switch (type) {
    case 'signal.created':
      return signalMessage(data as SignalPayload);
    case 'signal.reminder':
      return signalMessage(data as SignalPayload, true);
    case 'killswitch.changed':
      return killSwitchMessage(data as KillSwitchState);
    case 'delivery.test':
      return testMessage();
    case 'order.failed':
    case 'risk.stage':
    case 'notification':
    case 'alert':
      return notificationMessage(data as Notification);
    default:
      return { title: type, body: JSON.stringify(data).slice(0, 500), actions: [] };
  }
}

/**
 * One message for a burst: counts, the first few messages (each title with its body lines
 * indented, so an alert's "what happened" survives the summary), and where to see the rest.
 */
export function burstSummary(messages: ReadonlyArray<Pick<Message, 'title' | 'body'>>): Message {
  const lines = messages.slice(0, 8).flatMap((m) => [`• ${m.title}`, ...(m.body ? m.body.split('\n').slice(0, 6).map((l) => `  ${l}`) : [])]);
  if (messages.length > 8) lines.push(`… and ${messages.length - 8} more`);
  return { title: `${messages.length} messages in a burst`, body: `${lines.join('\n')}\nSend /signals to list the latest signals.`, actions: [] };
}

/** The outcome line a signal message is edited to show after an action. */
export function executionOutcome(e: SignalExecution): string {
  const i: OrderIntent | null = e.intent;
  if (!i) return `Execute refused — ${e.reasonCode}: ${e.reasonMessage}`;
  const order = i.orderId !== null ? `, order #${i.orderId}` : '';
  const again = i.duplicate ? ' (already executed)' : '';
  if (i.decision === 'EXECUTED') return `Executed — EXECUTED ${i.reasonCode}${order}${again}`;
  return `Not executed — ${i.decision ?? 'PENDING'} ${i.reasonCode ?? ''}${i.reasonMessage ? `: ${i.reasonMessage}` : ''}${again}`;
}

export function plainText(m: Message): string {
  return m.body ? `${m.title}\n${m.body}` : m.title;
}
