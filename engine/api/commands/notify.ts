import { z } from 'zod';
import { command } from './define';

export const NOTIFICATION_KINDS = ['signal', 'order', 'risk', 'system', 'data', 'goal', 'alert'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type Severity = 'info' | 'warning' | 'error';

/** A button on a popup: runs one contract command with a fixed input. */
export interface NotificationAction {
  id: string;
  label: string;
  command: string;
  input: unknown;
}

export interface Notification {
  id: number;
  kind: NotificationKind;
  severity: Severity;
  title: string;
  body: string;
  refType: string | null;
  refId: string | null;
  actions: NotificationAction[];
  createdAt: number;
  deliveredAt: number | null;
  deliveryChannel: string | null;
  deliveryLatencyMs: number | null;
  readAt: number | null;
}

/** What a popup shows: one notification, or a summary of a burst. */
export interface PopupEvent {
  ids: number[];
  summary: boolean;
  severity: Severity;
  title: string;
  body: string;
  actions: NotificationAction[];
  createdAt: number;
  /** The trader turned popup sound off (Settings → Notifications). */
  silent?: boolean;
}

export const notifyCommands = {
  'notifications.list': command<Notification[]>()(
    'Notifications, newest first.',
    z
      .object({
        since: z.number().int().min(0).optional(),
        kind: z.enum(NOTIFICATION_KINDS).optional(),
        unreadOnly: z.boolean().optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
  ),
  'notifications.markDelivered': command<{ updated: number }>()(
    'Records that a popup was shown on a channel (desktop, browser); the latency is measured from creation.',
    z.object({ ids: z.array(z.number().int().positive()).min(1).max(1000), channel: z.enum(['desktop', 'browser', 'telegram', 'webhook']) }).strict(),
  ),
  'notifications.markRead': command<{ updated: number }>()(
    'Marks notifications read.',
    z.object({ ids: z.array(z.number().int().positive()).min(1).max(1000) }).strict(),
  ),
} as const;

export interface NotifyEvents {
  'notification.created': Notification;
  'notification.popup': PopupEvent;
}
export const NOTIFY_TOPICS = ['notification.created', 'notification.popup'] as const satisfies readonly (keyof NotifyEvents)[];
