/**
 * Notifications: every notification is persisted first, then published (`notification.created`)
 * and offered as a popup (`notification.popup`). Popups are rate-limited: within a window the
 * first `burstLimit` pop up one by one and the rest become one summary popup at the window's end,
 * so a burst of signals never floods the desktop. Transports (Electron's native notifications,
 * the browser's Notification API) show popups and report delivery back with
 * `notifications.markDelivered`, which records the latency.
 *
 * The trader's notification settings (engine/settings) decide before the burst limit: popups off
 * → stored and listed only; quiet hours → held (stored, listed) and offered as one summary popup
 * when the quiet hours end; sound off → popups are marked `silent`.
 */
import type { Notification, PopupEvent } from '../api/commands/notify';
import { NotificationsRepo, type NewNotification } from '../../db/repos/notifications';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { NotificationSettings } from '../api/commands/settings';
import { inQuietHours, quietHoursEnd } from '../settings/quiet-hours';

export interface NotifyOptions {
  windowMs: number;
  burstLimit: number;
  now?: () => number;
}

export type NotifyInput = Omit<NewNotification, 'createdAt'>;

export class NotifyModule implements EngineModule {
  readonly name = 'notify';
  readonly repo: NotificationsRepo;
  private windowStart = 0;
  private shownInWindow = 0;
  private held: Notification[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private prefs: () => NotificationSettings | null = () => null;
  /** Popups held by quiet hours, offered as one summary when they end. */
  private quietHeld: Notification[] = [];
  private quietTimer: NodeJS.Timeout | null = null;
  private unsub: (() => void) | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: NotifyOptions = { windowMs: 5000, burstLimit: 3 },
  ) {
    this.repo = new NotificationsRepo(ctx.db);
    this.now = opts.now ?? Date.now;
  }

  /** Where the trader's notification settings come from (the settings module). */
  setPrefs(prefs: () => NotificationSettings | null): void {
    this.prefs = prefs;
  }

  /** Notifications held by quiet hours now (not yet popped up). */
  heldByQuietHours(): number[] {
    return this.quietHeld.map((n) => n.id);
  }

  /** Persists, then publishes, then pops up (or holds for the burst summary). */
  notify(input: NotifyInput): Notification {
    const n = this.repo.insert({ ...input, createdAt: this.now() });
    this.ctx.bus.publish('notification.created', n);
    this.offerPopup(n);
    return n;
  }

  private offerPopup(n: Notification): void {
    const t = this.now();
    const p = this.prefs();
    if (p && !p.popups) return;
    if (p && inQuietHours(p.quietHours, t)) {
      this.quietHeld.push(n);
      this.scheduleQuietEnd(quietHoursEnd(p.quietHours, t) - t);
      return;
    }
    if (t - this.windowStart >= this.opts.windowMs) {
      this.flush();
      this.windowStart = t;
      this.shownInWindow = 0;
    }
    if (this.shownInWindow < this.opts.burstLimit) {
      this.shownInWindow++;
      this.ctx.bus.publish('notification.popup', {
        ids: [n.id],
        summary: false,
        severity: n.severity,
        title: n.title,
        body: n.body,
        actions: n.actions,
        createdAt: n.createdAt,
        silent: this.silent(),
      });
      return;
    }
    this.held.push(n);
    if (!this.flushTimer) {
      const wait = Math.max(0, this.windowStart + this.opts.windowMs - t);
      this.flushTimer = setTimeout(() => this.flush(), wait);
    }
  }

  /** Emits the held burst as one summary popup. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    this.ctx.bus.publish('notification.popup', { ...summarize(held), silent: this.silent() });
  }

  private silent(): boolean {
    return this.prefs()?.sound === false;
  }

  private scheduleQuietEnd(ms: number): void {
    if (this.quietTimer) return;
    this.quietTimer = setTimeout(() => this.releaseQuiet(), Math.max(0, ms));
    this.quietTimer.unref?.();
  }

  /**
   * The quiet hours ended (or were checked again): what they held pops up as one summary; still
   * quiet (the settings changed), it waits for the new end; popups turned off, it stays listed only.
   */
  releaseQuiet(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    if (!this.quietHeld.length) return;
    const p = this.prefs();
    const t = this.now();
    if (p && inQuietHours(p.quietHours, t)) return this.scheduleQuietEnd(quietHoursEnd(p.quietHours, t) - t);
    const held = this.quietHeld;
    this.quietHeld = [];
    if (p && !p.popups) return;
    const s = summarize(held);
    this.ctx.bus.publish('notification.popup', { ...s, title: `While quiet hours held popups: ${s.title.replace(/^\d+ more notifications/, `${held.length} notification${held.length === 1 ? '' : 's'}`)}`, silent: this.silent() });
  }

  start(): void {
    // Quiet hours turned off or moved: what they held is looked at again at once.
    this.unsub = this.ctx.bus.subscribe('settings.changed', () => this.releaseQuiet());
  }

  stop(): void {
    this.unsub?.();
    this.unsub = null;
    this.flush();
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }

  readonly handlers: Partial<Handlers> = {
    'notifications.list': (q) => this.repo.list(q),
    'notifications.markDelivered': ({ ids, channel }) => ({ updated: this.repo.markDelivered(ids, channel, this.now()) }),
    'notifications.markRead': ({ ids }) => ({ updated: this.repo.markRead(ids, this.now()) }),
  };
}

export function summarize(held: readonly Notification[]): PopupEvent {
  const byKind = new Map<string, number>();
  for (const n of held) byKind.set(n.kind, (byKind.get(n.kind) ?? 0) + 1);
  const counts = [...byKind].map(([k, c]) => `${c} ${k}${c === 1 ? '' : 's'}`).join(', ');
  const severity = held.some((n) => n.severity === 'error') ? 'error' : held.some((n) => n.severity === 'warning') ? 'warning' : 'info';
  const lines = held.slice(0, 4).map((n) => `• ${n.title}`);
  if (held.length > 4) lines.push(`… and ${held.length - 4} more`);
  return {
    ids: held.map((n) => n.id),
    summary: true,
    severity,
    title: `${held.length} more notifications (${counts})`,
    body: lines.join('\n'),
    actions: [],
    createdAt: held[0]?.createdAt ?? Date.now(),
  };
}
