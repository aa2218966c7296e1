/**
 * User actions and the words that report them. An action whose answer is an order intent (or a
 * signal execution) is reported by what happened to the order (engine/api/outcome.ts) — placed,
 * filled, refused, failed — never "done" for a refusal.
 */
import { describeOutcome, type OrderIntent, type OutcomeTone, type OutcomeWords } from '../../../engine/api';
import { useOrders } from '../stores/orders';

/** The words for an action's answer when it is an intent (orders.place, positions.close), a signal execution or a flatten. */
export function outcomeOf(result: unknown): OutcomeWords | null {
  if (!result || typeof result !== 'object') return null;
  const r = result as { decision?: unknown; intent?: unknown; intents?: unknown; reasonCode?: unknown; reasonMessage?: unknown };
  if ('decision' in r) {
    const i = result as OrderIntent;
    return describeOutcome(i, useOrders.getState().orders.find((o) => o.id === i.orderId));
  }
  if ('intent' in r) {
    if (r.intent) return outcomeOf(r.intent);
    return { tone: 'refused', text: `Refused: ${String(r.reasonMessage ?? r.reasonCode)}` };
  }
  if (Array.isArray(r.intents)) {
    const words = (r.intents as OrderIntent[]).map((i) => outcomeOf(i)!);
    if (words.length === 0) return { tone: 'refused', text: 'Nothing to close: no open positions' };
    const bad = words.filter((w) => w.tone === 'refused' || w.tone === 'failed');
    if (bad.length) return { tone: bad[0]!.tone, text: `${words.length - bad.length} of ${words.length} closes placed; ${bad[0]!.text}` };
    return { tone: 'placed', text: `${words.length} close order${words.length === 1 ? '' : 's'} placed (reduce-only)` };
  }
  if (Array.isArray((r as { canceled?: unknown }).canceled)) {
    const n = ((r as { canceled: unknown[] }).canceled).length;
    return n === 0 ? { tone: 'refused', text: 'nothing was canceled' } : { tone: 'canceled', text: `${n} order${n === 1 ? '' : 's'} canceled` };
  }
  return null;
}

export interface ActionReport {
  text: string;
  tone: OutcomeTone | 'ok';
}

/**
 * Runs a user action and reports what happened: the order's outcome when it is one, "<what>: OK"
 * for other actions, "<what> failed: <engine's message>" on an error; then refreshes either way.
 */
export async function runAction(what: string, f: () => Promise<unknown>, report: (text: string, tone: ActionReport['tone']) => void, refresh: () => unknown): Promise<void> {
  try {
    const r = await f();
    const w = outcomeOf(r);
    if (w) report(`${what}: ${w.text}`, w.tone);
    else report(`${what}: OK`, 'ok');
  } catch (e) {
    report(`${what} failed: ${(e as Error).message}`, 'failed');
  }
  void refresh();
}
