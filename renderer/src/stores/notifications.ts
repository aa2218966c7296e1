/**
 * Popups in the window: every `notification.popup` becomes a toast with its action buttons; in
 * serve mode (no Electron) it is also shown through the browser's Notification API when the
 * user allowed it. Delivery is reported back so the engine records its latency.
 */
import { create } from 'zustand';
import { isCommandName, type NotificationAction, type PopupEvent } from '../../../engine/api';
import { api } from '../api/client';
import { outcomeOf, type ActionReport } from '../api/act';
import { executeSignal } from '../components/SizePreview';

export interface Toast extends PopupEvent {
  key: number;
  status?: string;
  /** How the status reads: an order refused or failed is shown in the colours of a refusal. */
  tone?: ActionReport['tone'];
}

interface NotificationsState {
  toasts: Toast[];
  /** The popup under the pointer: it does not expire while held. */
  held: number | null;
  hold(key: number | null): void;
  dismiss(key: number): void;
  run(key: number, action: NotificationAction): Promise<void>;
}

let seq = 0;
const MAX_TOASTS = 5;
const TOAST_MS = 12_000;

export const useNotifications = create<NotificationsState>((set, get) => ({
  toasts: [],
  held: null,
  hold: (held) => set({ held }),
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
    new Notification(p.title, { body: p.body, tag: `sd-${p.ids.join('-')}`, silent: p.silent === true });
    return true;
  } catch {
    return false;
  }
}

let audio: AudioContext | null = null;
/** A short, quiet two-tone chime (no sound file; silently nothing where audio is unavailable or not yet allowed). */
function chime(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    // Suspended until the user has interacted with the page (autoplay policy): then resumed here.
    if (ctx.state !== 'running') return void ctx.resume().then(() => ctx.state === 'running' && chime(), () => undefined);
    const t = audio.currentTime;
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.08, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
    gain.connect(audio.destination);
    for (const [f, at] of [[880, 0], [1320, 0.12]] as const) {
      const o = audio.createOscillator();
      o.frequency.value = f;
      o.connect(gain);
      o.start(t + at);
      o.stop(t + at + 0.2);
    }
  } catch {
    // no audio here
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
  // A popup goes after TOAST_MS unless the pointer is on it or one of its actions is under way or
  // was refused (those stay until dismissed); a held popup is looked at again a moment later.
  const expire = () => {
    const st = useNotifications.getState();
    const t = st.toasts.find((x) => x.key === key);
    if (!t) return;
    if (st.held === key || t.status !== undefined) {
      if (t.tone !== 'refused' && t.tone !== 'failed') setTimeout(expire, 2000);
      return;
    }
    st.dismiss(key);
  };
  setTimeout(expire, TOAST_MS);
  const shown = browserPopup(p);
  // In the window (serve mode; Electron's native popup makes its own sound): a short chime unless sound is off.
  if (!window.signaldesk && p.silent !== true) chime();
  // In the desktop app, the main process shows the native popup and records its delivery.
  if (!window.signaldesk) {
    void api.call('notifications.markDelivered', { ids: p.ids, channel: 'browser' }).catch(() => undefined);
  }
  void shown;
});
