/**
 * Backtest state in the window: the form (filled by hand or from a channel with "Backtest this
 * channel"), past runs, the shown run or sweep, the live progress (`backtest.progress`) and the
 * runs picked for a side-by-side comparison.
 */
import { create } from 'zustand';
import type { BacktestObjective, BacktestProgress, BacktestRun, BacktestSummary, Channel, Timeframe } from '../../../engine/api';
import { api } from '../api/client';

export interface BacktestForm {
  strategy: string;
  /** Param values as typed (parsed to numbers / booleans on submit). */
  params: Record<string, string>;
  source: string;
  symbols: string;
  timeframe: Timeframe;
  /** yyyy-mm-dd (UTC), empty for all stored history. */
  from: string;
  to: string;
  initialBalance: string;
  stakeMode: 'quoteAmount' | 'equityPercent';
  stakeValue: string;
  takerBps: string;
  makerBps: string;
  slippageBps: string;
  direction: 'long' | 'short' | 'both';
  minConfidence: string;
  /** Sweep: values per param, comma-separated. */
  grid: Record<string, string>;
  objective: BacktestObjective;
}

export const DEFAULT_FORM: BacktestForm = {
  strategy: 'ema_cross',
  params: {},
  source: 'sim',
  symbols: 'BTC/USDT',
  timeframe: '5m',
  from: '',
  to: '',
  initialBalance: '10000',
  stakeMode: 'quoteAmount',
  stakeValue: '1000',
  takerBps: '10',
  makerBps: '8',
  slippageBps: '5',
  direction: 'long',
  minConfidence: '0',
  grid: {},
  objective: 'sharpe',
};

interface BacktestState {
  form: BacktestForm;
  runs: BacktestSummary[];
  shown: BacktestRun | null;
  progress: Record<number, BacktestProgress>;
  compare: number[];
  compared: BacktestRun[];
  error: string | null;
  setForm(f: Partial<BacktestForm>): void;
  fromChannel(c: Channel): void;
  refresh(): Promise<void>;
  show(id: number): Promise<void>;
  toggleCompare(id: number): Promise<void>;
  setError(e: string | null): void;
  init(): void;
}

let subscribed = false;

export const useBacktest = create<BacktestState>((set, get) => ({
  form: DEFAULT_FORM,
  runs: [],
  shown: null,
  progress: {},
  compare: [],
  compared: [],
  error: null,
  setForm: (f) => set({ form: { ...get().form, ...f } }),
  fromChannel: (c) => {
    const s = c.strategies[0];
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(s?.params ?? {})) params[k] = String(v);
    set({
      form: {
        ...get().form,
        strategy: s?.id ?? get().form.strategy,
        params,
        grid: {},
        source: c.symbols.source,
        symbols: 'symbols' in c.symbols ? c.symbols.symbols.join(', ') : get().form.symbols,
        timeframe: c.timeframe,
        minConfidence: String(c.minConfidence),
      },
    });
  },
  refresh: async () => {
    try {
      set({ runs: await api.call('backtest.list', { limit: 100 }) });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  show: async (id) => {
    try {
      set({ shown: await api.call('backtest.get', { id }), error: null });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  toggleCompare: async (id) => {
    const on = get().compare.includes(id);
    const compare = on ? get().compare.filter((x) => x !== id) : [...get().compare, id].slice(-4);
    set({ compare });
    try {
      const compared = await Promise.all(compare.map((x) => get().compared.find((r) => r.id === x) ?? api.call('backtest.get', { id: x })));
      if (get().compare === compare) set({ compared });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  setError: (error) => set({ error }),
  init: () => {
    if (subscribed) return;
    subscribed = true;
    api.subscribe('backtest.progress', (p) => {
      set({ progress: { ...get().progress, [p.id]: p } });
      if (p.status !== 'running' && p.status !== 'queued') {
        void get().refresh();
        if (get().shown?.id === p.id || get().shown === null) void get().show(p.id);
      }
    });
  },
}));
