/**
 * What happened to an order, in the words of engine/api/outcome.ts, kept live: the order is
 * looked up in the orders store, so "Market order placed" turns into "Filled 0.01 at 64,956.9"
 * when the fill arrives.
 */
import { describeOutcome, type OrderIntent, type OutcomeWords } from '../../../engine/api';
import { useOrders } from '../stores/orders';

export function useOutcome(intent: (Parameters<typeof describeOutcome>[0] & Pick<OrderIntent, 'orderId'>) | null | undefined): OutcomeWords {
  const order = useOrders((s) => (intent?.orderId ? s.orders.find((o) => o.id === intent.orderId) : undefined));
  return describeOutcome(intent, order);
}

export function OutcomeText({ intent, testid }: { intent: Parameters<typeof useOutcome>[0]; testid?: string }) {
  const w = useOutcome(intent);
  return (
    <span className={`outcome-${w.tone}`} data-tone={w.tone} data-testid={testid}>
      {w.text}
    </span>
  );
}
