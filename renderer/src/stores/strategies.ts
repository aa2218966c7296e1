/**
 * Strategies view state: the registry with the channels using each strategy (strategies.list),
 * the ranked results per channel and strategy (strategies.results), the chosen ranking metric and
 * the selected row. Outcomes arrive as `signal.updated`: the results refresh shortly after.
 */
import { create } from 'zustand';
import type { StrategyChannelRow, StrategyOverview, StrategyRankMetric } from '../../../engine/api';
import { api } from '../api/client';

export const rowKey = (r: Pick<StrategyChannelRow, 'channelId' | 'index'>): string => `${r.channelId}:${r.index}`;

interface StrategiesState {
  overview: StrategyOverview[];
  rows: StrategyChannelRow[];
  rankBy: StrategyRankMetric;
  selected: string | null;
  loaded: boolean;
  error: string | null;
  refresh(): Promise<void>;
  setRankBy(m: StrategyRankMetric): void;
  select(key: string | null): void;
}

let timer: ReturnType<typeof setTimeout> | null = null;
let subscribed = false;

export const useStrategies = create<StrategiesState>((set, get) => ({
  overview: [],
  rows: [],
  rankBy: 'expectancyPct',
  selected: null,
  loaded: false,
  error: null,
  refresh: async () => {
    if (!subscribed) {
      subscribed = true;
      api.subscribe('signal.updated', () => {
        if (timer) return;
        timer = setTimeout(() => {
          timer = null;
          void get().refresh();
        }, 1000);
      });
    }
    try {
      const rankBy = get().rankBy;
      const [overview, results] = await Promise.all([api.call('strategies.list', {}), api.call('strategies.results', { rankBy })]);
      // A newer choice of metric wins over an older answer.
      if (get().rankBy !== rankBy) return;
      set({ overview, rows: results.rows, loaded: true, error: null });
    } catch (e) {
      set({ error: (e as Error).message, loaded: true });
    }
  },
  setRankBy: (rankBy) => {
    set({ rankBy });
    void get().refresh();
  },
  select: (selected) => set({ selected }),
}));
