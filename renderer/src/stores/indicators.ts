/** The chart's indicator overlays: the feature profiles and the one chosen (kept across restarts). */
import { create } from 'zustand';
import type { IndicatorProfileInfo } from '../../../engine/api';
import { api } from '../api/client';

/** Choosing "none" hides every indicator overlay. */
export const NO_PROFILE = 'none';
const KEY = 'signaldesk.chart.indicatorProfile';

function saved(): string {
  try {
    return window.localStorage.getItem(KEY) ?? 'full_v1';
  } catch {
    return 'full_v1';
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
      const profiles = await api.call('indicators.profiles', {});
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
