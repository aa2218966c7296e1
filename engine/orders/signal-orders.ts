/** Signals to orders: the order a signal asks for (sized by the account's signal sizing), by hand or on autopilot. */
import type { PlaceOrder, SignalExecution } from '../api/contract';
import type { Signal } from '../api/commands/signals';
import { D } from './decimal';
import type { OrdersModule } from './module';

export function signalOrder(m: OrdersModule, s: Signal, accountId: number): PlaceOrder {
  const sz = m.limits(accountId).signalSizing;
  const size = sz.mode === 'riskPercent' ? { riskPercent: Number(sz.value) } : sz.mode === 'equityPercent' ? { equityPercent: Number(sz.value) } : { quoteAmount: sz.value };
  return {
    account: accountId,
    symbol: s.symbol,
    side: s.side,
    type: 'market',
    ...size,
    stopLoss: D.of(s.stopLoss),
    takeProfit: D.of(s.takeProfit),
    idempotencyKey: `signal:${s.id}`,
    signalId: s.id,
  };
}

/** Autopilot: one intent per autopilot signal, keyed by the signal id. */
export function onSignal(m: OrdersModule, s: Signal): void {
  if (!s || typeof s.id !== 'number' || !s.autopilot || s.status === 'rejected') return;
  const a = m.account();
  void m.place(signalOrder(m, s, a.id), 'autopilot').catch((e: unknown) => console.error('[orders] autopilot intent failed:', e));
}

export async function executeSignal(m: OrdersModule, id: number, account?: number): Promise<SignalExecution> {
  const s = m.signals.get(id);
  if (!s) return { signalId: id, intent: null, reasonCode: 'SIGNAL_NOT_FOUND', reasonMessage: `signal ${id} does not exist` };
  const a = m.account(account);
  const intent = await m.place(signalOrder(m, s, a.id), 'signal');
  return { signalId: id, intent, reasonCode: intent.reasonCode ?? 'EXEC_ORDER_PLACED', reasonMessage: intent.reasonMessage ?? '' };
}
