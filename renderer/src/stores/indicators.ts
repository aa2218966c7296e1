/** The chart's indicator overlays: the feature profiles and the one chosen (kept across restarts). */
import { create } from 'zustand';
import type { IndicatorProfileInfo } from '../../../engine/api';
import { api } from '../api/client';

/** Choosing "none" hides every indicator overlay. */
export const NO_PROFILE = 'none';
/** The chart's own light profile, shown on a fresh install: candles, volume, EMA 9 / 21. */
export const LIGHT_PROFILE = 'light';
/** The full profile, one keystroke (F) away from the light one. */
export const FULL_PROFILE = 'full_v1';
export const LIGHT_INFO: IndicatorProfileInfo = {
  name: LIGHT_PROFILE,
  summary: 'Light: candles, volume and EMA 9 / 21 (F switches to the full profile and back).',
  extends: null,
  indicators: ['ema:9', 'ema:21'],
  specs: ['ema:9', 'ema:21'],
  names: ['ema_9', 'ema_21'],
  warmup: 21,
};
const KEY = 'signaldesk.chart.indicatorProfile';

function saved(): string {
  try {
    return window.localStorage.getItem(KEY) ?? LIGHT_PROFILE;
  } catch {
    return LIGHT_PROFILE;
  }
}

interface IndicatorsState {
  profiles: IndicatorProfileInfo[];
  profile: string;
  error: string | null;
  loadProfiles(): Promise<void>;
  setProfile(name: string): void;
}

export const useIndicators = create<IndicatorsState>((set, get) => ({
  profiles: [],
  profile: saved(),
  error: null,
  loadProfiles: async () => {
    if (get().profiles.length) return;
    try {
      const profiles = [LIGHT_INFO, ...(await api.call('indicators.profiles', {})).filter((p) => p.name !== LIGHT_PROFILE)];
      const p = get().profile;
      set({ profiles, error: null, profile: p === NO_PROFILE || profiles.some((x) => x.name === p) ? p : (profiles[0]?.name ?? NO_PROFILE) });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  setProfile: (name) => {
    try {
      window.localStorage.setItem(KEY, name);
    } catch {
      // Storage may be unavailable (private mode); the choice still applies now.
    }
    set({ profile: name });
  },
}));
