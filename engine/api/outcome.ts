/**
 * The words for what happened to an order, in one place, for every reader (ticket, popup actions,
 * toasts, the Orders and Signals views, Telegram later). A pure function over the intent's
 * decision and, when known, its order: EXECUTED means "sent and accepted", so the words come from
 * the order — "Limit order placed, resting at 64,914.1", "Filled 0.01 at 64,956.9" — and a
 * refusal never reads as success: "Refused: kill switch is on".
 */
import type { Order, OrderIntent } from './commands/orders';

export type OutcomeTone = 'pending' | 'placed' | 'filled' | 'refused' | 'failed' | 'canceled';

export interface OutcomeWords {
  tone: OutcomeTone;
  text: string;
}

type IntentPart = Pick<OrderIntent, 'decision' | 'reasonCode' | 'reasonMessage' | 'type' | 'amount' | 'price' | 'stopPrice'> & { duplicate?: boolean };
type OrderPart = Pick<Order, 'status' | 'type' | 'amount' | 'filled' | 'avgPrice' | 'price' | 'stopPrice'>;

/** "64914.1" → "64,914.1": thousands grouped, the decimals exactly as given. */
export function groupDigits(v: string | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(v.trim());
  if (!m) return v;
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

const isZero = (v: string | null | undefined): boolean => !v || /^-?0*(\.0*)?$/.test(v);

function refusal(i: IntentPart): string {
  if (i.reasonCode === 'KILL_SWITCH') return 'kill switch is on';
  return i.reasonMessage || i.reasonCode || 'no reason given';
}

function placed(o: OrderPart): string {
  if (o.type === 'limit') return `Limit order placed, resting at ${groupDigits(o.price)}`;
  if (o.type === 'stop') return `Stop order placed, triggers at ${groupDigits(o.stopPrice)}`;
  if (o.type === 'stop_limit') return `Stop-limit order placed, triggers at ${groupDigits(o.stopPrice)}, limit ${groupDigits(o.price)}`;
  return 'Market order placed, filling at the next price';
}

export function describeOutcome(intent: IntentPart | null | undefined, order?: OrderPart | null): OutcomeWords {
  if (!intent) return { tone: 'pending', text: 'Sending…' };
  const words = ((): OutcomeWords => {
    if (intent.decision === null) return { tone: 'pending', text: 'Accepted, sending…' };
    if (intent.decision === 'SKIPPED') return { tone: 'refused', text: `Refused: ${refusal(intent)}` };
    if (intent.decision === 'FAILED') return { tone: 'failed', text: `Failed: ${refusal(intent)}` };
    if (!order) {
      const o = { status: 'open' as const, type: intent.type, amount: intent.amount ?? '', filled: '0', avgPrice: null, price: intent.price, stopPrice: intent.stopPrice };
      return { tone: 'placed', text: intent.reasonCode === 'EXEC_RECONCILED' ? 'Order found at the exchange after a restart' : placed(o) };
    }
    if (order.status === 'filled') return { tone: 'filled', text: `Filled ${order.filled} at ${groupDigits(order.avgPrice)}` };
    if (!isZero(order.filled)) {
      const text = `Partly filled ${order.filled} of ${order.amount} at ${groupDigits(order.avgPrice)}`;
      return order.status === 'open' ? { tone: 'placed', text } : { tone: 'canceled', text: `${text}, rest canceled` };
    }
    if (order.status === 'canceled') return { tone: 'canceled', text: 'Placed, then canceled before any fill' };
    if (order.status === 'rejected') return { tone: 'failed', text: 'Rejected by the exchange after it was placed' };
    return { tone: 'placed', text: placed(order) };
  })();
  if (intent.decision === 'EXECUTED' && intent.reasonMessage?.includes('allowed while the kill switch is on')) words.text += ' (reduce-only, allowed while the kill switch is on)';
  if (intent.duplicate) words.text += ' — already sent under this key, nothing new placed';
  return words;
}
