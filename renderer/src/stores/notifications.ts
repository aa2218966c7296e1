/**
 * Popups in the window: every `notification.popup` becomes a toast with its action buttons; in
 * serve mode (no Electron) it is also shown through the browser's Notification API when the
 * user allowed it. Delivery is reported back so the engine records its latency.
 */
import { create } from 'zustand';
import { isCommandName, type NotificationAction, type PopupEvent } from '../../../engine/api';
import { api } from '../api/client';
import { outcomeOf, type ActionReport } from '../api/act';
import { executeSignal } from '../components/signal-preview';

export interface Toast extends PopupEvent {
  key: number;
  status?: string;
  /** How the status reads: an order refused or failed is shown in the colours of a refusal. */
  tone?: ActionReport['tone'];
}

interface NotificationsState {
  toasts: Toast[];
  dismiss(key: number): void;
  run(key: number, action: NotificationAction): Promise<void>;
}

let seq = 0;
const MAX_TOASTS = 5;
const TOAST_MS = 12_000;

export const useNotifications = create<NotificationsState>((set, get) => ({
  toasts: [],
  dismiss: (key) => set({ toasts: get().toasts.filter((t) => t.key !== key) }),
  run: async (key, action) => {
    const mark = (status: string, tone: Toast['tone']) => set({ toasts: get().toasts.map((t) => (t.key === key ? { ...t, status, tone } : t)) });
    if (!isCommandName(action.command)) return mark(`Unknown action ${action.command}`, 'failed');
    // Execute goes through the preview: beyond the price tolerance it asks first.
    const sid = action.command === 'signals.execute' ? (action.input as { id?: unknown } | null)?.id : undefined;
    if (typeof sid === 'number') {
      mark(`${action.label}: sending…`, 'pending');
      await executeSignal(sid, (text, t) => mark(text, t), action.label);
      const tone = get().toasts.find((t) => t.key === key)?.tone;
      if (tone !== 'refused' && tone !== 'failed') setTimeout(() => get().dismiss(key), 4000);
      return;
    }
    try {
      const r: unknown = await api.call(action.command, action.input as never);
      // An order action (signals.execute) answers with its decision: say what happened to the order.
      const w = outcomeOf(r);
      if (w) mark(`${action.label}: ${w.text}`, w.tone);
      else mark(`${action.label}: OK`, 'ok');
      // A refusal or failure stays until dismissed; success goes after a moment.
      if (!w || (w.tone !== 'refused' && w.tone !== 'failed')) setTimeout(() => get().dismiss(key), 4000);
    } catch (e) {
      mark(`${action.label} failed: ${(e as Error).message}`, 'failed');
    }
  },
}));

function browserPopup(p: PopupEvent): boolean {
  if (window.signaldesk || typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  try {
    new Notification(p.title, { body: p.body, tag: `sd-${p.ids.join('-')}` });
    return true;
  } catch {
    return false;
  }
}

/** Asks for the browser's notification permission (serve mode), from a user gesture. */
export async function requestBrowserNotifications(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

api.subscribe('notification.popup', (p) => {
  const key = ++seq;
  useNotifications.setState((s) => ({ toasts: [...s.toasts, { ...p, key }].slice(-MAX_TOASTS) }));
  setTimeout(() => {
    const t = useNotifications.getState().toasts.find((x) => x.key === key);
    if (t?.tone === 'refused' || t?.tone === 'failed') return;
    useNotifications.getState().dismiss(key);
  }, TOAST_MS);
  const shown = browserPopup(p);
  // In the desktop app, the main process shows the native popup and records its delivery.
  if (!window.signaldesk) {
    void api.call('notifications.markDelivered', { ids: p.ids, channel: 'browser' }).catch(() => undefined);
  }
  void shown;
});
