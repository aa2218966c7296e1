/**
 * Delivery of a signal to its channel's targets: a desktop notification (popup with
 * Acknowledge / Snooze / Execute) and a row in signal_deliveries with its latency.
 */
import { performance } from 'node:perf_hooks';
import type { Channel, Signal } from '../api/commands/signals';
import type { DeliveriesRepo } from '../../db/repos/signals';
import type { NotifyModule } from '../notify/module';
import { px } from '../strategies/common';

export interface SignalDeliveryPorts {
  notify: NotifyModule;
  deliveries: DeliveriesRepo;
  wallNow: () => number;
}

export function deliverSignal(p: SignalDeliveryPorts, sig: Signal, ch: Channel, received: number, reminder = false): void {
  for (const target of ch.delivery) {
    if (target !== 'desktop') continue;
    try {
      const n = p.notify.notify({
        kind: 'signal',
        severity: 'info',
        // "BUY ETH/USDT 3,247.50 — stop 3,212.00, target 3,350.00, confidence 78 % — broke the 20-bar high on 1.8× volume"
        title: `${reminder ? 'Reminder: ' : ''}${sig.side.toUpperCase()} ${sig.symbol} ${px(sig.entry)}`,
        body: `stop ${px(sig.stopLoss)}, target ${px(sig.takeProfit)}, confidence ${Math.round(sig.confidence * 100)} %${sig.reasons[0] ? ` — ${sig.reasons[0]}` : ''}\n${sig.strategy} · ${sig.timeframe} · ${ch.name}`,
        refType: 'signal',
        refId: String(sig.id),
        actions: [
          { id: 'ack', label: 'Acknowledge', command: 'signals.ack', input: { id: sig.id } },
          { id: 'snooze', label: 'Snooze 15 min', command: 'signals.snooze', input: { id: sig.id, minutes: 15 } },
          { id: 'execute', label: 'Execute', command: 'signals.execute', input: { id: sig.id } },
        ],
      });
      p.deliveries.insert({ signalId: sig.id, target, notificationId: n.id, deliveredAt: p.wallNow(), latencyMs: performance.now() - received, ok: true });
    } catch (err) {
      p.deliveries.insert({ signalId: sig.id, target, notificationId: null, deliveredAt: p.wallNow(), latencyMs: performance.now() - received, ok: false, error: String(err) });
    }
  }
}
