/**
 * App settings the trader changes in the Settings view: appearance (theme, density) and
 * notifications (popups, sound, quiet hours). Known keys only: `settings.update` takes a partial
 * of the same shape, validated field by field, and answers the whole settings after the change.
 */
import { z } from 'zod';
import { command, Empty } from './define';

export const THEMES = ['dark', 'light'] as const;
export type Theme = (typeof THEMES)[number];
export const DENSITIES = ['comfortable', 'compact'] as const;
export type Density = (typeof DENSITIES)[number];

/** A local time of day, "HH:MM" (24 h), on the machine that runs the engine. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time "HH:MM" (00:00–23:59)');

export interface AppearanceSettings {
  theme: Theme;
  density: Density;
}

export interface QuietHours {
  enabled: boolean;
  /** Local time the quiet hours begin ("22:00"); they may run past midnight. */
  start: string;
  /** Local time they end ("07:00"); equal to start: the whole day. */
  end: string;
}

export interface NotificationSettings {
  /** Desktop / browser popups; off: notifications are still stored and listed, never popped up. */
  popups: boolean;
  /** Popups make a sound. */
  sound: boolean;
  /** Popups held (stored, listed, summarised when they end); Telegram alerts marked critical always go. */
  quietHours: QuietHours;
}

export interface AppSettings {
  appearance: AppearanceSettings;
  notifications: NotificationSettings;
}

export const DEFAULT_SETTINGS: AppSettings = {
  appearance: { theme: 'dark', density: 'comfortable' },
  notifications: { popups: true, sound: true, quietHours: { enabled: false, start: '22:00', end: '07:00' } },
};

export const SettingsUpdateInput = z
  .object({
    appearance: z.object({ theme: z.enum(THEMES).optional(), density: z.enum(DENSITIES).optional() }).strict().optional(),
    notifications: z
      .object({
        popups: z.boolean().optional(),
        sound: z.boolean().optional(),
        quietHours: z.object({ enabled: z.boolean().optional(), start: LocalTime.optional(), end: LocalTime.optional() }).strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdateInput>;

export const settingsCommands = {
  'settings.get': command<AppSettings>()('The app settings: appearance (theme, density) and notifications (popups, sound, quiet hours).', Empty),
  'settings.update': command<AppSettings>()('Changes the given settings only (known keys, validated); answers the whole settings and publishes settings.changed.', SettingsUpdateInput),
} as const;

export interface SettingsEvents {
  'settings.changed': AppSettings;
}
export const SETTINGS_TOPICS = ['settings.changed'] as const satisfies readonly (keyof SettingsEvents)[];
