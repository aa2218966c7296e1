/**
 * Signals state in the window: the live feed (fed by `signal.created` / `signal.updated`),
 * channels, the pause switch, performance, the registry's strategies and the feature profiles,
 * the feed's filters and selection, and the channel editor's open state.
 */
import { create } from 'zustand';
import type { Channel, IndicatorProfileInfo, PerformanceResult, Signal, SignalStatus, SignalsStatus, StrategyInfo } from '../../../engine/api';
import { api } from '../api/client';

export interface SignalFilters {
  channel: number | null;
  symbol: string;
  status: SignalStatus | '';
}

interface SignalsState {
  signals: Signal[];
  channels: Channel[];
  status: SignalsStatus | null;
  performance: PerformanceResult | null;
  strategies: StrategyInfo[];
  profiles: IndicatorProfileInfo[];
  filters: SignalFilters;
  selectedId: number | null;
  editor: { open: boolean; channel: Channel | null };
  error: string | null;
  refresh(): Promise<void>;
  setFilters(f: Partial<SignalFilters>): void;
  select(id: number | null): void;
  openEditor(channel: Channel | null): void;
  closeEditor(): void;
}

const MAX_FEED = 500;
let perfTimer: ReturnType<typeof setTimeout> | null = null;

export function matches(s: Signal, f: SignalFilters): boolean {
  return (f.channel === null || s.channelId === f.channel) && (!f.symbol || s.symbol === f.symbol) && (!f.status || s.status === f.status);
}

export const useSignals = create<SignalsState>((set, get) => ({
  signals: [],
  channels: [],
  status: null,
  performance: null,
  strategies: [],
  profiles: [],
  filters: { channel: null, symbol: '', status: '' },
  selectedId: null,
  editor: { open: false, channel: null },
  error: null,
  refresh: async () => {
    const f = get().filters;
    try {
      const [signals, channels, status, performance] = await Promise.all([
        api.call('signals.list', { limit: MAX_FEED, ...(f.channel !== null ? { channel: f.channel } : {}), ...(f.symbol ? { symbol: f.symbol } : {}), ...(f.status ? { status: f.status } : {}) }),
        api.call('signals.channels.list', {}),
        api.call('signals.status', {}),
        api.call('signals.performance', {}),
      ]);
      set({ signals, channels, status, performance, error: null });
      if (get().strategies.length === 0) {
        const [strategies, profiles] = await Promise.all([api.call('signals.strategies', {}), api.call('indicators.profiles', {}).catch(() => [])]);
        set({ strategies, profiles });
      }
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  setFilters: (f) => {
    set((s) => ({ filters: { ...s.filters, ...f } }));
    void get().refresh();
  },
  select: (selectedId) => set({ selectedId }),
  openEditor: (channel) => set({ editor: { open: true, channel } }),
  closeEditor: () => set({ editor: { open: false, channel: null } }),
}));

function upsert(s: Signal): void {
  useSignals.setState((st) => {
    const i = st.signals.findIndex((x) => x.id === s.id);
    if (i >= 0) {
      const next = st.signals.slice();
      next[i] = s;
      return { signals: next };
    }
    if (!matches(s, st.filters)) return {};
    return { signals: [s, ...st.signals].slice(0, MAX_FEED) };
  });
  if (!perfTimer) {
    perfTimer = setTimeout(() => {
      perfTimer = null;
      void api.call('signals.performance', {}).then((performance) => useSignals.setState({ performance }), () => undefined);
    }, 500);
  }
}

api.subscribe('signal.created', upsert);
api.subscribe('signal.updated', upsert);
api.subscribe('signals.status', (status) => useSignals.setState({ status }));
api.onConnection((c) => {
  if (c === 'open') void useSignals.getState().refresh();
});
