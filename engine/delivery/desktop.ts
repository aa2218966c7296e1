/**
 * The desktop target: today's popups. A signal becomes a notification with Acknowledge /
 * Snooze 15 min / Execute (each a contract command), recorded in signal_deliveries with its
 * latency. Sent synchronously: the popup never waits on another target.
 */
import type { NotificationAction } from '../api/commands/notify';
import type { DeliveriesRepo } from '../../db/repos/signals';
import type { NotifyModule } from '../notify/module';
import { render, SNOOZE_MINUTES, type SignalPayload } from './templates';
import type { DeliveryJobView, DeliveryTargetPort, SendResult } from './types';

const COMMANDS = { ack: 'signals.ack', snooze: 'signals.snooze', execute: 'signals.execute' } as const;

export class DesktopTarget implements DeliveryTargetPort {
  readonly id = 'desktop';
  readonly immediate = true;

  constructor(
    private readonly notify: NotifyModule,
    private readonly deliveries: DeliveriesRepo,
    private readonly wallNow: () => number,
    /** performance.now()-based latency of a signal from the bar close. */
    private readonly sinceReceived: (job: DeliveryJobView) => number,
  ) {}

  unavailable(): string | null {
    return null;
  }

  send(job: DeliveryJobView): SendResult {
    if (job.type !== 'signal.created' && job.type !== 'signal.reminder') return { ok: false, final: true, error: `the desktop shows ${job.type} as its own notification` };
    const signal = job.data as SignalPayload;
    const m = render(job.type, job.data);
    // Popup actions first in the order the popup has always shown them.
    const order = ['ack', 'snooze', 'execute'] as const;
    const actions: NotificationAction[] = order
      .map((id) => m.actions.find((a) => a.id === id))
      .filter((a) => a !== undefined)
      .map((a) => ({ id: a.id, label: a.label, command: COMMANDS[a.id], input: a.id === 'snooze' ? { id: signal.id, minutes: SNOOZE_MINUTES } : { id: signal.id } }));
    try {
      const n = this.notify.notify({ kind: 'signal', severity: 'info', title: m.title, body: m.body, refType: 'signal', refId: String(signal.id), actions });
      this.deliveries.insert({ signalId: signal.id, target: this.id, notificationId: n.id, deliveredAt: this.wallNow(), latencyMs: this.sinceReceived(job), ok: true });
      return { ok: true };
    } catch (err) {
      this.deliveries.insert({ signalId: signal.id, target: this.id, notificationId: null, deliveredAt: this.wallNow(), latencyMs: this.sinceReceived(job), ok: false, error: String(err) });
      return { ok: false, final: true, error: String(err) };
    }
  }
}
