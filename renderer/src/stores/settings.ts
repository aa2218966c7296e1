/**
 * The app settings (engine: settings.get / settings.update): loaded at start, kept in step with
 * `settings.changed` (another window, a settings import), and the appearance applied at once.
 */
import { create } from 'zustand';
import type { AppSettings, CommandInput } from '../../../engine/api';
import { api } from '../api/client';
import { applyAppearance } from '../theme/appearance';

interface SettingsState {
  settings: AppSettings | null;
  error: string | null;
  load(): Promise<void>;
  /** Changes the given settings; answers what the engine stored (throws its refusal). */
  update(u: CommandInput<'settings.update'>): Promise<AppSettings>;
}

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  error: null,
  load: async () => {
    try {
      const s = await api.call('settings.get', {});
      applyAppearance(s.appearance);
      set({ settings: s, error: null });
    } catch (e) {
      set({ error: `Loading the settings failed: ${(e as Error).message}` });
    }
  },
  update: async (u) => {
    // The appearance changes at once; what the engine stored (or the old one, on a refusal) follows.
    const before = useSettings.getState().settings;
    if (before && u.appearance) applyAppearance({ ...before.appearance, ...u.appearance });
    try {
      const s = await api.call('settings.update', u);
      applyAppearance(s.appearance);
      set({ settings: s, error: null });
      return s;
    } catch (e) {
      if (before) applyAppearance(before.appearance);
      throw e;
    }
  },
}));

api.subscribe('settings.changed', (s) => {
  applyAppearance(s.appearance);
  useSettings.setState({ settings: s });
});
