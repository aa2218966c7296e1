/**
 * The delivery module: one layer between what happens (signals, FAILED order decisions,
 * drawdown stages, kill-switch changes, contract topics) and where it goes (desktop, the
 * Telegram relay, webhooks). Signals go to their channel's `delivery` list (plus webhooks that
 * subscribe to signal.created); FAILED decisions, drawdown stages and kill-switch changes go to
 * Telegram always (the desktop already shows them as notifications); webhooks get the topics
 * they subscribe to. Every attempt is logged (engine/delivery/dispatcher.ts).
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DeliveryTestResult, TelegramSettings, Webhook } from '../api/commands/delivery';
import type { KillSwitchState } from '../api/commands/orders';
import type { Notification } from '../api/commands/notify';
import type { Channel, Signal } from '../api/commands/signals';
import { EVENT_TOPICS, type EventTopic } from '../api/contract';
import { ApiError } from '../api/errors';
import { DeliveryAttemptsRepo, DeliveryJobsRepo } from '../../db/repos/delivery';
import { SettingsRepo } from '../../db/repos/settings';
import { ChannelsRepo, DeliveriesRepo, SignalsRepo } from '../../db/repos/signals';
import { publicWebhook, WebhooksRepo, type StoredWebhook } from '../../db/repos/webhooks';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { NotifyModule } from '../notify/module';
import type { NotificationSettings } from '../api/commands/settings';
import { inQuietHours, quietHoursEnd } from '../settings/quiet-hours';
import { SecretBox } from '../secrets/secret-box';
import { DesktopTarget } from './desktop';
import { Dispatcher } from './dispatcher';
import { deliveryMetrics } from './metrics';
import { TelegramTarget } from './telegram';
import type { Caller } from './telegram-commands';
import { TelegramRelay, type RelayOptions } from './telegram-relay';
import type { DeliveryTargetPort } from './types';
import { WebhookTarget } from './webhook';

const TELEGRAM_KEY = 'delivery.telegram';
const IGNORED_KEY = 'delivery.telegram.ignored';
/** Where the orders module keeps the kill switch (read only, to tell a change from a restart). */
const KILL_SWITCH_KEY = 'orders.killSwitch';

interface StoredTelegram {
  enabled: boolean;
  chatIds: string[];
  apiRoot: string | null;
  tokenSealed: string | null;
}

/** Topics `*` stands for: what integrations act on, not the market's tick stream. */
export const WEBHOOK_STAR_EXCLUDES = /^(candle\.|indicators\.|market\.|delivery\.|notification\.popup$|.*\.status$)/;

/** How the signals module hands a signal over. */
export interface SignalDelivery {
  deliverSignal(sig: Signal, ch: Channel, received: number, reminder?: boolean): void;
  /** Several deliveries in one transaction (see Dispatcher.batch). */
  batch?<T>(f: () => T): T;
}

export interface DeliveryOptions {
  /** Wall clock (ms, may be fractional). */
  now: () => number;
  /** Due-retry check period (ms); 0: only when `runDue()` is called (tests). */
  tickMs: number;
  concurrency: number;
  telegram: Partial<RelayOptions>;
}

export class DeliveryModule implements EngineModule, SignalDelivery {
  readonly name = 'delivery';
  readonly jobs: DeliveryJobsRepo;
  readonly attempts: DeliveryAttemptsRepo;
  readonly webhooks: WebhooksRepo;
  readonly relay: TelegramRelay;
  readonly dispatcher: Dispatcher;
  private readonly settings: SettingsRepo;
  private readonly signals: SignalsRepo;
  private readonly channels: ChannelsRepo;
  private readonly opts: DeliveryOptions;
  private readonly desktop: DesktopTarget;
  private readonly telegram: TelegramTarget;
  private readonly hookTargets = new Map<number, WebhookTarget>();
  private hooks: StoredWebhook[] = [];
  private box: SecretBox | null = null;
  private killOn = false;
  private unsubs: Array<() => void> = [];
  private prefs: () => NotificationSettings | null = () => null;

  constructor(
    private readonly ctx: EngineContext,
    notify: NotifyModule,
    opts: Partial<DeliveryOptions> = {},
  ) {
    this.opts = { now: () => performance.timeOrigin + performance.now(), tickMs: 1000, concurrency: 4, ...opts, telegram: opts.telegram ?? {} };
    this.jobs = new DeliveryJobsRepo(ctx.db);
    this.attempts = new DeliveryAttemptsRepo(ctx.db);
    this.webhooks = new WebhooksRepo(ctx.db);
    this.settings = new SettingsRepo(ctx.db);
    this.signals = new SignalsRepo(ctx.db);
    this.channels = new ChannelsRepo(ctx.db);
    const now = this.opts.now;
    this.desktop = new DesktopTarget(notify, new DeliveriesRepo(ctx.db), () => Math.round(now()), (job) => Math.max(0, now() - job.eventTs));
    this.relay = new TelegramRelay(
      { pollTimeoutSec: 25, minIntervalMs: 1000, burstThreshold: 4, backoffBaseMs: 1000, backoffMaxMs: 60_000, now, ...this.opts.telegram },
      (s) => this.ctx.bus.publish('delivery.status', s),
      (n) => this.settings.set(IGNORED_KEY, n),
      this.settings.get<number>(IGNORED_KEY) ?? 0,
    );
    this.telegram = new TelegramTarget(this.relay);
    this.dispatcher = new Dispatcher({ jobs: this.jobs, attempts: this.attempts }, ctx.bus, (t) => this.target(t), { now, concurrency: this.opts.concurrency, tickMs: this.opts.tickMs, transaction: (f) => ctx.db.transaction(f)() });
  }

  /** Where the trader's notification settings come from (quiet hours hold non-critical Telegram alerts). */
  setPrefs(prefs: () => NotificationSettings | null): void {
    this.prefs = prefs;
  }

  /** The engine's commands, for Telegram chat commands and buttons. */
  setCaller(call: Caller): void {
    this.relay.setCaller(call);
  }

  private secrets(): SecretBox {
    return (this.box ??= new SecretBox(this.ctx.opts.dataDir));
  }

  private target(id: string): DeliveryTargetPort | undefined {
    if (id === 'desktop') return this.desktop;
    if (id === 'telegram') return this.telegram;
    const m = /^webhook:(\d+)$/.exec(id);
    if (!m) return undefined;
    const hid = Number(m[1]);
    let t = this.hookTargets.get(hid);
    if (!t) {
      const h = this.hooks.find((x) => x.id === hid);
      if (!h) return undefined;
      t = new WebhookTarget({ id: h.id, url: h.url, enabled: h.enabled, secret: () => this.secrets().open(h.secretSealed) }, () => Math.round(this.opts.now()));
      this.hookTargets.set(hid, t);
    }
    return t;
  }

  private reloadHooks(): void {
    this.hooks = this.webhooks.list();
    this.hookTargets.clear();
  }

  private hooksFor(topic: string): string[] {
    return this.hooks
      .filter((h) => h.enabled && (h.events.includes(topic) || (h.events.includes('*') && !WEBHOOK_STAR_EXCLUDES.test(topic))))
      .map((h) => `webhook:${h.id}`);
  }

  // ───────────────────────────── what is delivered ─────────────────────────────

  batch<T>(f: () => T): T {
    return this.dispatcher.batch(f);
  }

  deliverSignal(sig: Signal, ch: Channel, received: number, reminder = false): void {
    const eventTs = this.opts.now() - Math.max(0, performance.now() - received);
    const type = reminder ? 'signal.reminder' : 'signal.created';
    const signal = { ...sig, channelName: sig.channelName ?? ch.name };
    const targets = [...ch.delivery, ...(reminder ? [] : this.hooksFor('signal.created'))];
    this.dispatcher.dispatch({ type, ref: `signal:${sig.id}`, eventTs, data: signal }, targets);
  }

  /**
   * An alert (or an alerts burst summary) to the targets its rule names beyond the desktop
   * (`telegram`, `webhook:<id>`); the alerts module throttles and summarises before this.
   * During quiet hours Telegram holds alerts below critical until they end (the job waits,
   * persisted); an alert marked critical is never held. A webhook that takes `alert.fired` (or
   * every event) already gets each alert as that event, so the rule's copy is not sent to it again.
   */
  deliverAlert(targets: readonly string[], m: { title: string; body: string; priority: string; alerts: ReadonlyArray<{ id: number }> }): void {
    const asEvent = new Set(this.hooksFor('alert.fired'));
    const out = targets.filter((t) => t !== 'desktop' && !asEvent.has(t));
    if (!out.length) return;
    const ref = `alert:${m.alerts.map((a) => a.id).join(',') || '-'}`;
    const now = this.opts.now();
    const q = this.prefs()?.quietHours;
    const hold: Record<string, number> = q && m.priority !== 'critical' && inQuietHours(q, now) ? { telegram: quietHoursEnd(q, now) } : {};
    this.dispatcher.dispatch({ type: 'alert', ref, eventTs: now, data: { title: m.title, body: m.body, priority: m.priority, alerts: m.alerts } }, out, hold);
  }

  private onNotification(n: Notification): void {
    if (!this.relay.config().enabled) return;
    let type: string | null = null;
    if (n.kind === 'order' && n.refType === 'intent') type = 'order.failed';
    else if (n.kind === 'risk' && n.refType === 'account') type = 'risk.stage';
    else if (n.kind !== 'signal' && n.kind !== 'system' && n.kind !== 'data' && n.kind !== 'risk' && n.kind !== 'order' && n.kind !== 'alert') type = 'notification';
    if (type) this.dispatcher.dispatch({ type, ref: `${n.refType ?? 'notification'}:${n.refId ?? n.id}`, eventTs: this.opts.now(), data: n }, ['telegram']);
  }

  private onKillSwitch(k: KillSwitchState): void {
    if (this.killOn === k.on) return;
    this.killOn = k.on;
    if (!this.relay.config().enabled) return;
    this.dispatcher.dispatch({ type: 'killswitch.changed', ref: `killSwitch:${k.at ?? 0}`, eventTs: this.opts.now(), data: k }, ['telegram']);
  }

  private onTopic(topic: EventTopic, payload: unknown): void {
    const targets = this.hooksFor(topic);
    if (!targets.length) return;
    const p = payload as { id?: unknown };
    this.dispatcher.dispatch({ type: topic, ref: `${topic.split('.')[0]}:${typeof p?.id === 'number' || typeof p?.id === 'string' ? p.id : '-'}`, eventTs: this.opts.now(), data: payload }, targets);
  }

  // ───────────────────────────── lifecycle ─────────────────────────────

  start(): void {
    this.reloadHooks();
    // The persisted switch (the orders module's setting): only a change from it is news.
    this.killOn = this.settings.get<KillSwitchState>(KILL_SWITCH_KEY)?.on ?? false;
    const bus = this.ctx.bus;
    this.unsubs.push(bus.subscribe('notification.created', (n) => this.onNotification(n)));
    this.unsubs.push(bus.subscribe('orders.status', (s) => this.onKillSwitch(s.killSwitch)));
    // Quiet hours turned off or moved so that now is not quiet: the Telegram alerts they held go now.
    this.unsubs.push(bus.subscribe('settings.changed', (s) => !inQuietHours(s.notifications.quietHours, this.opts.now()) && this.dispatcher.release('telegram')));
    this.unsubs.push(
      bus.subscribe('signal.updated', (s) => {
        const word = s.status === 'acknowledged' ? 'Acknowledged' : s.status === 'executed' ? 'Executed' : s.status === 'snoozed' ? `Snoozed until ${new Date(s.snoozedUntil ?? 0).toISOString().slice(11, 16)} UTC` : null;
        if (word) this.telegram.showElsewhere(s.id, `${word} on the desktop`);
      }),
    );
    for (const topic of EVENT_TOPICS) {
      if (topic === 'signal.created' || topic.startsWith('delivery.')) continue;
      this.unsubs.push(bus.subscribe(topic, (p) => this.onTopic(topic, p)));
    }
    this.applyTelegram();
    this.dispatcher.start();
  }

  stop(): void {
    for (const u of this.unsubs.splice(0)) u();
    this.dispatcher.stop();
    this.relay.stop();
  }

  // ───────────────────────────── Telegram settings ─────────────────────────────

  private storedTelegram(): StoredTelegram {
    return this.settings.get<StoredTelegram>(TELEGRAM_KEY) ?? { enabled: false, chatIds: [], apiRoot: null, tokenSealed: null };
  }

  private applyTelegram(): void {
    const s = this.storedTelegram();
    let token: string | null = null;
    try {
      token = s.tokenSealed ? this.secrets().open(s.tokenSealed) : null;
    } catch (e) {
      console.error('[delivery] the stored Telegram token cannot be opened:', e);
    }
    this.relay.configure({ token, chatIds: s.chatIds, enabled: s.enabled, apiRoot: s.apiRoot });
  }

  private telegramSettings(): TelegramSettings {
    const s = this.storedTelegram();
    return { enabled: s.enabled, hasToken: s.tokenSealed !== null, chatIds: s.chatIds, apiRoot: s.apiRoot, status: this.relay.status() };
  }

  // ───────────────────────────── webhooks ─────────────────────────────

  private checkEvents(events: string[]): string[] {
    const known = new Set<string>(EVENT_TOPICS);
    const unknown = events.filter((e) => e !== '*' && (!known.has(e) || e.startsWith('delivery.')));
    if (unknown.length) throw new ApiError('BAD_INPUT', `events: unknown topic${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (topics of the contract, or *)`, { field: 'events', unknown });
    return [...new Set(events)];
  }

  private requireHook(id: number): StoredWebhook {
    const h = this.webhooks.get(id);
    if (!h) throw new ApiError('NOT_FOUND', `Webhook ${id} does not exist`, { id });
    return h;
  }

  private async testHook(id: number): Promise<DeliveryTestResult> {
    const h = this.requireHook(id);
    const t = new WebhookTarget({ id: h.id, url: h.url, enabled: true, secret: () => this.secrets().open(h.secretSealed) }, () => Math.round(this.opts.now()));
    const eventTs = this.opts.now();
    const job = { deliveryId: `test-${crypto.randomUUID()}`, type: 'delivery.test', ref: `webhook:${id}`, eventTs, data: { message: 'Signaldesk webhook test' }, attempt: 1 };
    const r = await t.send(job);
    const now = this.opts.now();
    const a = this.attempts.insert({
      deliveryId: job.deliveryId,
      target: t.id,
      eventType: job.type,
      ref: job.ref,
      attempt: 1,
      status: r.ok ? 'delivered' : 'failed',
      httpStatus: r.httpStatus ?? null,
      error: r.ok ? null : r.error,
      latencyMs: now - eventTs,
      eventTs,
      ts: Math.round(now),
      nextAttemptAt: null,
    });
    this.ctx.bus.publish('delivery.attempt', a);
    if (r.ok) return { ok: true, reason: 'SENT', message: `Delivered: the receiver answered HTTP ${r.httpStatus}.`, httpStatus: r.httpStatus ?? null };
    return { ok: false, reason: r.httpStatus ? (r.final ? 'REJECTED' : 'HTTP_ERROR') : 'NO_NETWORK', message: r.error, httpStatus: r.httpStatus ?? null };
  }

  readonly handlers: Partial<Handlers> = {
    'delivery.telegram.get': () => this.telegramSettings(),
    'delivery.telegram.set': (q) => {
      const cur = this.storedTelegram();
      const next: StoredTelegram = {
        enabled: q.enabled ?? cur.enabled,
        chatIds: q.chatIds ? [...new Set(q.chatIds)] : cur.chatIds,
        apiRoot: q.apiRoot === undefined ? cur.apiRoot : q.apiRoot === null ? null : q.apiRoot.replace(/\/+$/, ''),
        tokenSealed: q.botToken === undefined ? cur.tokenSealed : q.botToken === null ? null : this.secrets().seal(q.botToken),
      };
      this.settings.set(TELEGRAM_KEY, next);
      this.applyTelegram();
      return this.telegramSettings();
    },
    'delivery.telegram.test': () => this.relay.test(),
    'delivery.webhooks.list': (): Webhook[] => this.webhooks.list().map(publicWebhook),
    'delivery.webhooks.create': (q) => {
      const h = this.webhooks.insert({ url: q.url, events: this.checkEvents(q.events), enabled: q.enabled, secretSealed: this.secrets().seal(q.secret) }, Math.round(this.opts.now()));
      this.reloadHooks();
      return publicWebhook(h);
    },
    'delivery.webhooks.update': (q) => {
      const cur = this.requireHook(q.id);
      const h = this.webhooks.update(
        q.id,
        {
          url: q.url ?? cur.url,
          events: q.events ? this.checkEvents(q.events) : cur.events,
          enabled: q.enabled ?? cur.enabled,
          secretSealed: q.secret !== undefined ? this.secrets().seal(q.secret) : cur.secretSealed,
        },
        Math.round(this.opts.now()),
      );
      this.reloadHooks();
      return publicWebhook(h);
    },
    'delivery.webhooks.delete': ({ id }) => {
      const deleted = this.webhooks.delete(id);
      this.reloadHooks();
      return { deleted };
    },
    'delivery.webhooks.test': ({ id }) => this.testHook(id),
    'delivery.logs': (q) => this.attempts.list(q),
    'delivery.metrics': ({ since }) => deliveryMetrics(since ?? 0, this.attempts, this.signals.funnel(since ?? 0), this.channels.names()),
  };
}
