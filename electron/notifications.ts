/**
 * Native desktop popups for `notification.popup` events, with actions where the platform has them.
 * A signal popup with Execute carries the size Execute would place (signals.preview); Execute asks
 * in the window instead of sending when price moved beyond the tolerance; and what happened to the
 * order comes back as a popup in the words of engine/api/outcome.ts.
 */
import { describeOutcome, type EventTopic, type OrderIntent, type PopupEvent, type SignalPreview } from '../engine/api';

export interface NotificationLike {
  on(event: 'action', listener: (e: unknown, index: number) => void): void;
  on(event: 'click', listener: () => void): void;
  show(): void;
}
export interface NotificationCtor {
  new (opts: { title: string; body: string; actions?: Array<{ type: 'button'; text: string }>; urgency?: 'normal' | 'critical' | 'low'; silent?: boolean }): NotificationLike;
  isSupported(): boolean;
}
export interface PopupHost {
  callRaw(name: string, input: unknown): Promise<unknown>;
  onAny(handler: (topic: EventTopic, payload: unknown) => void): () => void;
}

const executeId = (p: PopupEvent): number | null => {
  const id = (p.actions.find((a) => a.command === 'signals.execute')?.input as { id?: unknown } | null)?.id;
  return typeof id === 'number' ? id : null;
};

/** "Execute: 0.0306 BTC ≈ 1,999.97 USDT (20.00 % of equity), risk to stop 32.10 — risk 0.5 % of equity to the stop, cut to the max position notional". */
export function sizeLine(p: SignalPreview): string {
  if (!p.ok) return `Execute would be refused: ${p.message}`;
  const base = p.symbol.split('/')[0];
  const quote = (p.symbol.split('/')[1] ?? '').split(':')[0];
  return `Execute: ${p.amount} ${base} ≈ ${p.notional} ${quote} (${(p.equityPct ?? 0).toFixed(2)} % of equity), risk to stop ${p.riskToStop} — ${p.rule}${p.capped ? ', cut to the max position notional' : ''}`;
}

export function wireNotifications(Notification: NotificationCtor, host: PopupHost, focus: () => void): () => void {
  const say = (title: string, body: string, critical = false) => {
    const n = new Notification({ title, body, urgency: critical ? 'critical' : 'normal' });
    n.on('click', focus);
    n.show();
  };
  const execute = async (id: number, label: string): Promise<void> => {
    const preview = (await host.callRaw('signals.preview', { id })) as SignalPreview;
    if (preview.needsConfirmation) {
      focus();
      say(`${label}: not sent`, `Price moved ${(preview.movePct ?? 0).toFixed(2)} % from the signal's entry (tolerance ${preview.tolerancePct} %). Confirm in Signaldesk (Signals view, E).`);
      return;
    }
    const r = (await host.callRaw('signals.execute', { id })) as { intent: OrderIntent | null; reasonMessage: string };
    const w = r.intent ? describeOutcome(r.intent) : { tone: 'refused' as const, text: `Refused: ${r.reasonMessage}` };
    say(`${label}: ${w.text}`, r.intent ? `${r.intent.side.toUpperCase()} ${r.intent.symbol}` : '', w.tone === 'refused' || w.tone === 'failed');
  };
  return host.onAny((topic, payload) => {
    if (topic !== 'notification.popup' || !Notification.isSupported()) return;
    const p = payload as PopupEvent;
    const sid = executeId(p);
    const show = (extra: string) => {
      const n = new Notification({
        title: p.title,
        body: extra ? `${p.body}\n${extra}` : p.body,
        actions: p.actions.map((a) => ({ type: 'button' as const, text: a.label })),
        urgency: p.severity === 'error' ? 'critical' : 'normal',
        // Settings → Notifications → sound off.
        silent: p.silent === true,
      });
      n.on('action', (_e, index) => {
        const a = p.actions[index];
        if (!a) return;
        const done = a.command === 'signals.execute' && sid !== null ? execute(sid, a.label) : host.callRaw(a.command, a.input);
        void done.catch((err: unknown) => say(`${a.label} failed`, err instanceof Error ? err.message : String(err), true));
      });
      n.on('click', focus);
      n.show();
      void host.callRaw('notifications.markDelivered', { ids: p.ids, channel: 'desktop' }).catch(() => undefined);
    };
    if (sid === null) return show('');
    // The size Execute would place, on the popup itself (shown without it if the preview fails).
    host.callRaw('signals.preview', { id: sid }).then(
      (pr) => show(sizeLine(pr as SignalPreview)),
      () => show(''),
    );
  });
}
