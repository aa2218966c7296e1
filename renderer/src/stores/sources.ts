/**
 * Data sources in the window: the sources, their health (status, circuit, freshness, errors) and
 * back-fill jobs — loaded through the contract and kept live by market.sources.changed,
 * market.health.changed and market.backfill.progress events (plus a slow poll, because freshness
 * moves with the clock).
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { BackfillJob, SourceHealth, SourceView } from '../../../engine/api';
import { api } from '../api/client';

interface SourcesState {
  sources: SourceView[];
  health: Record<string, SourceHealth>;
  jobs: BackfillJob[];
  exchanges: string[];
  selected: string | null;
  error: string | null;
  loaded: boolean;
  refresh(): Promise<void>;
  refreshHealth(): Promise<void>;
  loadExchanges(): Promise<void>;
  select(id: string | null): void;
}

export const useSources = create<SourcesState>((set, get) => ({
  sources: [],
  health: {},
  jobs: [],
  exchanges: [],
  selected: null,
  error: null,
  loaded: false,
  refresh: async () => {
    try {
      const [sources, health, jobs] = await Promise.all([
        api.call('market.sources.list', {}),
        api.call('market.health', {}),
        api.call('market.backfill.list', { limit: 50 }),
      ]);
      const selected = get().selected && sources.some((s) => s.id === get().selected) ? get().selected : (sources[0]?.id ?? null);
      set({ sources, health: Object.fromEntries(health.map((h) => [h.source, h])), jobs, selected, error: null, loaded: true });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  refreshHealth: async () => {
    try {
      const health = await api.call('market.health', {});
      set({ health: Object.fromEntries(health.map((h) => [h.source, h])) });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  loadExchanges: async () => {
    if (get().exchanges.length) return;
    try {
      set({ exchanges: await api.call('market.exchanges', {}) });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  select: (selected) => set({ selected }),
}));

let healthTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleHealth(): void {
  if (healthTimer) return;
  healthTimer = setTimeout(() => {
    healthTimer = null;
    void useSources.getState().refreshHealth();
  }, 200);
}
let listTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleRefresh(): void {
  if (listTimer) return;
  listTimer = setTimeout(() => {
    listTimer = null;
    void useSources.getState().refresh();
  }, 150);
}

api.subscribe('market.health.changed', scheduleHealth);
api.subscribe('market.sources.changed', scheduleRefresh);
api.subscribe('market.backfill.progress', (j) => {
  useSources.setState((s) => {
    const i = s.jobs.findIndex((x) => x.id === j.id);
    if (i < 0) return { jobs: [j, ...s.jobs].slice(0, 200) };
    const jobs = [...s.jobs];
    jobs[i] = j;
    return { jobs };
  });
});
api.onConnection((c) => {
  if (c === 'open' && useSources.getState().loaded) void useSources.getState().refresh();
});

/** Human "3 s ago" / "2 h ago". */
export function ago(ts: number | null, now = Date.now()): string {
  if (ts === null) return '—';
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/**
 * The name of a source (and whether it is simulated), for the status bar and the chart: from the
 * live source list, so a source added after start-up shows by name, not by id. Loads the list
 * once when the source is not in it yet.
 */
export function useSourceLabel(id: string, fallback?: { label: string; simulated: boolean }): { label: string; simulated: boolean; kind: string | null } {
  const view = useSources((s) => s.sources.find((v) => v.id === id));
  const known = useSources((s) => s.loaded);
  useEffect(() => {
    if (!view && !known) void useSources.getState().refresh();
  }, [view, known, id]);
  if (view) return { label: view.label, simulated: view.simulated, kind: view.kind };
  return { label: fallback?.label ?? id, simulated: fallback?.simulated ?? false, kind: null };
}
