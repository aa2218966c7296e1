/**
 * Alert delivery: every firing goes to the rule's targets (`desktop`, `telegram`,
 * `webhook:<id>`). Desktop is the notify module's popup; every other target goes through ONE
 * narrow sink (`AlertDeliverySink`) that the delivery layer plugs into. Per target, at most
 * `burstLimit` messages go out within `windowMs`; the rest of that window reach the target as
 * one summary when the window ends.
 */
import type { Alert, AlertPriority } from '../api/commands/alerts';
import type { Severity } from '../api/commands/notify';
import type { NotifyModule } from '../notify/module';

/** One message to a target: a single alert, or the summary of a burst. */
export interface AlertMessage {
  summary: boolean;
  title: string;
  body: string;
  priority: AlertPriority;
  alerts: Alert[];
}

/** The one interface non-desktop targets are reached through (the delivery layer implements it). */
export interface AlertDeliverySink {
  deliver(targets: string[], message: AlertMessage): void | Promise<void>;
}

export interface DeliveryOptions {
  windowMs: number;
  burstLimit: number;
  now: () => number;
}

const RANK: Record<AlertPriority, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const SEVERITY: Record<AlertPriority, Severity> = { low: 'info', medium: 'info', high: 'warning', critical: 'error' };

export function singleMessage(a: Alert): AlertMessage {
  return { summary: false, title: `${a.priority === 'critical' ? 'CRITICAL: ' : ''}${a.ruleName}`, body: a.message, priority: a.priority, alerts: [a] };
}

export function summaryMessage(held: readonly Alert[]): AlertMessage {
  const top = held.reduce<AlertPriority>((p, a) => (RANK[a.priority] > RANK[p] ? a.priority : p), 'low');
  const lines = held.slice(0, 5).map((a) => `• ${a.message}`);
  if (held.length > 5) lines.push(`… and ${held.length - 5} more`);
  return { summary: true, title: `${held.length} more alerts within a minute`, body: lines.join('\n'), priority: top, alerts: [...held] };
}

/** Desktop: a notification (persisted, popped up) with Acknowledge and Snooze actions. */
export class DesktopSink implements AlertDeliverySink {
  constructor(private readonly notify: NotifyModule) {}
  deliver(_targets: string[], m: AlertMessage): void {
    const one = !m.summary && m.alerts.length === 1 ? m.alerts[0]! : null;
    this.notify.notify({
      kind: 'alert',
      severity: SEVERITY[m.priority],
      title: m.title,
      body: m.body,
      refType: 'alert',
      refId: one ? String(one.id) : undefined,
      actions: one
        ? [
            { id: 'ack', label: 'Acknowledge', command: 'alerts.ack', input: { id: one.id } },
            { id: 'snooze', label: 'Snooze 15 min', command: 'alerts.snooze', input: { id: one.id, minutes: 15 } },
          ]
        : [{ id: 'ack', label: 'Acknowledge all', command: 'alerts.ack', input: { ids: m.alerts.map((a) => a.id) } }],
    });
  }
}

interface Window {
  start: number;
  sent: number;
  held: Alert[];
}

/** Routes alerts to targets with the per-target burst summary. */
export class AlertRouter {
  private readonly windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | null = null;
  /** Sends per target (for tests and status): messages and summaries. */
  readonly sent = new Map<string, { messages: number; summaries: number }>();

  constructor(
    private readonly desktop: AlertDeliverySink,
    private external: AlertDeliverySink | null,
    private readonly opts: DeliveryOptions,
  ) {}

  /** Connects the delivery layer (Telegram, webhooks). */
  setSink(sink: AlertDeliverySink | null): void {
    this.external = sink;
  }

  route(targets: readonly string[], a: Alert): void {
    const t = this.opts.now();
    for (const target of new Set(targets)) {
      let w = this.windows.get(target);
      if (!w || t - w.start >= this.opts.windowMs) {
        if (w) this.flushTarget(target, w);
        this.windows.set(target, (w = { start: t, sent: 0, held: [] }));
      }
      if (w.sent < this.opts.burstLimit) {
        w.sent++;
        this.send(target, singleMessage(a));
      } else {
        w.held.push(a);
        this.schedule(w.start + this.opts.windowMs - t);
      }
    }
  }

  /** Sends every held burst as one summary per target. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [target, w] of this.windows) this.flushTarget(target, w);
  }

  private flushTarget(target: string, w: Window): void {
    if (!w.held.length) return;
    const held = w.held.splice(0);
    this.send(target, summaryMessage(held));
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, ms));
    this.timer.unref?.();
  }

  private send(target: string, m: AlertMessage): void {
    const c = this.sent.get(target) ?? { messages: 0, summaries: 0 };
    c[m.summary ? 'summaries' : 'messages']++;
    this.sent.set(target, c);
    const sink = target === 'desktop' ? this.desktop : this.external;
    if (!sink) {
      console.warn(`[alerts] no delivery layer for ${target}; "${m.title}" reached the desktop and the Alerts view only`);
      return;
    }
    try {
      const r = sink.deliver([target], m);
      if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch((e: unknown) => console.error(`[alerts] delivery to ${target} failed:`, e));
    } catch (e) {
      console.error(`[alerts] delivery to ${target} failed:`, e);
    }
  }

  stop(): void {
    this.flush();
  }
}
