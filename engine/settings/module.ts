/**
 * The settings module: the trader's app settings (appearance, notifications) in the settings
 * table, one key per group, merged over the defaults. Other modules read them through
 * `current()` (the notify module for popups, sound and quiet hours; delivery for quiet hours).
 */
import { DEFAULT_SETTINGS, type AppSettings, type SettingsUpdate } from '../api/commands/settings';
import { SettingsRepo } from '../../db/repos/settings';
import type { EngineContext, EngineModule, Handlers } from '../core/context';

const APPEARANCE_KEY = 'app.appearance';
const NOTIFICATIONS_KEY = 'app.notifications';

export class SettingsModule implements EngineModule {
  readonly name = 'settings';
  private readonly repo: SettingsRepo;

  constructor(private readonly ctx: EngineContext) {
    this.repo = new SettingsRepo(ctx.db);
  }

  /** The settings now, read from the store each time (an import that writes the table is seen at once). */
  current(): AppSettings {
    const a = this.repo.get<Partial<AppSettings['appearance']>>(APPEARANCE_KEY) ?? {};
    const n = this.repo.get<Partial<AppSettings['notifications']>>(NOTIFICATIONS_KEY) ?? {};
    const d = DEFAULT_SETTINGS;
    return {
      appearance: { ...d.appearance, ...a },
      notifications: { ...d.notifications, ...n, quietHours: { ...d.notifications.quietHours, ...(n.quietHours ?? {}) } },
    };
  }

  update(u: SettingsUpdate): AppSettings {
    const cur = this.current();
    const next: AppSettings = {
      appearance: { ...cur.appearance, ...strip(u.appearance) },
      notifications: {
        ...cur.notifications,
        ...strip({ popups: u.notifications?.popups, sound: u.notifications?.sound }),
        quietHours: { ...cur.notifications.quietHours, ...strip(u.notifications?.quietHours) },
      },
    };
    this.ctx.db.transaction(() => {
      if (u.appearance) this.repo.set(APPEARANCE_KEY, next.appearance);
      if (u.notifications) this.repo.set(NOTIFICATIONS_KEY, next.notifications);
    })();
    this.ctx.bus.publish('settings.changed', next);
    return next;
  }

  readonly handlers: Partial<Handlers> = {
    'settings.get': () => this.current(),
    'settings.update': (u) => this.update(u),
  };
}

/** Drops undefined fields, so a partial never overwrites a setting with nothing. */
function strip<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
