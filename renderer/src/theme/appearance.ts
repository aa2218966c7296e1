/**
 * The appearance in force: theme and density as attributes on <html> (theme/theme.css reads
 * them), a copy in localStorage so /theme-boot.js can set them before the first paint of the next
 * load, and a small store charts follow (theme/chart-theme.ts). The engine's settings
 * (`settings.get`) are the truth; this only applies them.
 */
import { create } from 'zustand';
import { DEFAULT_SETTINGS, DENSITIES, THEMES, type AppearanceSettings } from '../../../engine/api';

/** The localStorage key /theme-boot.js reads (keep the two in step). */
export const APPEARANCE_CACHE_KEY = 'signaldesk.appearance';

function fromDocument(): AppearanceSettings {
  const d = typeof document === 'undefined' ? undefined : document.documentElement.dataset;
  const theme = THEMES.find((t) => t === d?.theme) ?? DEFAULT_SETTINGS.appearance.theme;
  const density = DENSITIES.find((x) => x === d?.density) ?? DEFAULT_SETTINGS.appearance.density;
  return { theme, density };
}

export const useAppearance = create<AppearanceSettings>(() => fromDocument());

export function applyAppearance(a: AppearanceSettings): void {
  const el = document.documentElement;
  el.dataset.theme = a.theme;
  el.dataset.density = a.density;
  try {
    localStorage.setItem(APPEARANCE_CACHE_KEY, JSON.stringify(a));
  } catch {
    // storage unavailable: the engine's setting still applies after load
  }
  const cur = useAppearance.getState();
  if (cur.theme !== a.theme || cur.density !== a.density) useAppearance.setState({ theme: a.theme, density: a.density });
}
