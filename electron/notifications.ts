/** Native desktop popups for `notification.popup` events, with actions where the platform has them. */
import type { EventTopic, PopupEvent } from '../engine/api/contract';

export interface NotificationLike {
  on(event: 'action', listener: (e: unknown, index: number) => void): void;
  on(event: 'click', listener: () => void): void;
  show(): void;
}
export interface NotificationCtor {
  new (opts: { title: string; body: string; actions?: Array<{ type: 'button'; text: string }>; urgency?: 'normal' | 'critical' | 'low' }): NotificationLike;
  isSupported(): boolean;
}
export interface PopupHost {
  callRaw(name: string, input: unknown): Promise<unknown>;
  onAny(handler: (topic: EventTopic, payload: unknown) => void): () => void;
}

export function wireNotifications(Notification: NotificationCtor, host: PopupHost, focus: () => void): () => void {
  return host.onAny((topic, payload) => {
    if (topic !== 'notification.popup' || !Notification.isSupported()) return;
    const p = payload as PopupEvent;
    const n = new Notification({
      title: p.title,
      body: p.body,
      actions: p.actions.map((a) => ({ type: 'button' as const, text: a.label })),
      urgency: p.severity === 'error' ? 'critical' : 'normal',
    });
    n.on('action', (_e, index) => {
      const a = p.actions[index];
      if (a) void host.callRaw(a.command, a.input).catch((err: unknown) => console.error('[notify] action failed:', err));
    });
    n.on('click', focus);
    n.show();
    void host.callRaw('notifications.markDelivered', { ids: p.ids, channel: 'desktop' }).catch(() => undefined);
  });
}
