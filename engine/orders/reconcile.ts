/**
 * After a restart: intents a crash left without a decision are asked for at the broker by client
 * order id (then decided) or resumed; autopilot signals a crash caught before their intent get one.
 */
import type { PlaceOrder } from '../api/contract';
import type { ExchangeOrderState } from './live';
import { mapExchangeError } from './reasons';
import { clientOrderIdFor, type OrdersModule } from './module';
import { sizedSignalOrder } from './signal-orders';

/** An autopilot signal found without an intent after a restart is traded only if younger than this. */
const SIGNAL_MAX_AGE_MS = 2 * 60_000;

/** Intents a crash left without a decision: asks the broker by client order id, then resumes. */
export async function reconcile(m: OrdersModule): Promise<{ reconciled: number; resumed: number }> {
  let reconciled = 0;
  let resumed = 0;
  for (const intent of m.intents.undecided()) {
    const a = m.accounts.get(intent.accountId);
    if (!a) continue;
    try {
      if (intent.status === 'sending') {
        const known = m.orders.byClientId(intent.clientOrderId);
        let state: ExchangeOrderState | null = null;
        if (a.kind === 'live') state = await m.live.fetchWithRetry(a, intent);
        if (known || state) {
          const req = m.intents.request(intent.id) as PlaceOrder;
          let orderId = known?.id ?? null;
          if (a.kind === 'live' && state) {
            const role = intent.origin === 'oco' || intent.origin === 'risk' || req.reduceOnly ? 'exit' : 'entry';
            orderId = m.live.recordOrder(a, intent, req, role, intent.amount ?? '0', req.type === 'market' ? null : (req.price ?? null), req.stopPrice ?? null, state).id;
          }
          m.decide(intent.id, { decision: 'EXECUTED', reasonCode: 'EXEC_RECONCILED', reasonMessage: 'order found at the exchange by its client order id after a restart', orderId });
          reconciled++;
          continue;
        }
      }
      resumed++;
      m.inflight.set(intent.idempotencyKey, Promise.resolve(intent));
      try {
        await m.process(intent);
      } finally {
        m.inflight.delete(intent.idempotencyKey);
      }
    } catch (e) {
      const x = mapExchangeError(e);
      m.decide(intent.id, { decision: 'FAILED', reasonCode: x.code, reasonMessage: `could not reconcile after a restart: ${x.message}; the order may exist at the exchange`, exchangeError: x.snippet });
    }
  }
  return { reconciled, resumed };
}

/**
 * Autopilot signals a crash caught between "signal persisted" and "intent persisted": each
 * gets its intent now (key `signal:<id>`, so a late duplicate delivery still finds it). A
 * signal older than SIGNAL_MAX_AGE_MS (wall clock, as signals are stamped) is not traded hours
 * later: its intent is SKIPPED SIGNAL_EXPIRED. Fresh ones are placed once start-up is done.
 */
export function recoverSignals(m: OrdersModule): { expired: number; placed: number } {
  let expired = 0;
  let placed = 0;
  const wall = m.opts.wallNow();
  for (const sig of m.signals.autopilotWithoutIntent(wall - 24 * 3_600_000)) {
    const a = m.account();
    const { req, sizing } = sizedSignalOrder(m, sig, a.id);
    if (wall - sig.createdAt > SIGNAL_MAX_AGE_MS) {
      const key = req.idempotencyKey!;
      const { intent, created } = m.intents.insertOrGet({
        idempotencyKey: key,
        accountId: a.id,
        signalId: sig.id,
        origin: 'autopilot',
        symbol: req.symbol,
        side: req.side,
        type: req.type,
        request: req,
        price: null,
        stopPrice: null,
        stopLoss: req.stopLoss ?? null,
        takeProfit: req.takeProfit ?? null,
        clientOrderId: clientOrderIdFor(key),
        createdAt: m.now(),
      });
      if (created) {
        const mins = Math.round((wall - sig.createdAt) / 60_000);
        m.decide(intent.id, { decision: 'SKIPPED', reasonCode: 'SIGNAL_EXPIRED', reasonMessage: `signal #${sig.id} was delivered ${mins} min before a restart and never reached the order engine; too old to trade on autopilot` });
        expired++;
      }
      continue;
    }
    placed++;
    // Not awaited: placing waits for start-up to finish, which is what this runs inside.
    void m.place(req, 'autopilot', sizing).catch((e: unknown) => console.error('[orders] recovered autopilot intent failed:', e));
  }
  return { expired, placed };
}
