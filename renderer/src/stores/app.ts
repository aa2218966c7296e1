import { create } from 'zustand';
import type { ConnectionState, InfoResult, Timeframe } from '../../../engine/api';
import { api } from '../api/client';

export const VIEWS = [
  { id: 'chart', label: 'Chart', key: '1' },
  { id: 'signals', label: 'Signals', key: '2' },
  { id: 'orders', label: 'Orders & Positions', key: '3' },
  { id: 'goals', label: 'Goals', key: '4' },
  { id: 'alerts', label: 'Alerts', key: '5' },
  { id: 'strategies', label: 'Strategies', key: '6' },
  { id: 'backtest', label: 'Backtest', key: '7' },
  { id: 'data', label: 'Data sources', key: '8' },
  { id: 'settings', label: 'Settings', key: '9' },
  { id: 'inbound', label: 'Inbound', key: '0' },
  { id: 'health', label: 'System health', key: 'H' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

interface AppState {
  view: ViewId;
  connection: ConnectionState;
  info: InfoResult | null;
  clock: number | null;
  simSpeed: number;
  error: string | null;
  source: string;
  symbol: string;
  timeframe: Timeframe;
  symbols: string[];
  setView(v: ViewId): void;
  setSymbol(s: string): void;
  setTimeframe(tf: Timeframe): void;
  init(): Promise<void>;
}

function viewFromHash(): ViewId {
  const h = window.location.hash.replace(/^#\/?/, '');
  return (VIEWS.find((v) => v.id === h)?.id ?? 'chart') as ViewId;
}

export const useApp = create<AppState>((set, get) => ({
  view: viewFromHash(),
  connection: 'connecting',
  info: null,
  clock: null,
  simSpeed: 1,
  error: null,
  source: 'sim',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  symbols: [],
  setView: (view) => {
    window.location.hash = `/${view}`;
    set({ view });
  },
  setSymbol: (symbol) => set({ symbol }),
  setTimeframe: (timeframe) => set({ timeframe }),
  init: async () => {
    api.onConnection((connection) => {
      set({ connection });
      if (connection === 'open' && !get().info) void load();
    });
    api.subscribe('system.clock', (c) => set({ clock: c.now, simSpeed: c.speed }));
    window.addEventListener('hashchange', () => set({ view: viewFromHash() }));
    async function load(): Promise<void> {
      try {
        const info = await api.call('system.info', {});
        const symbols = await api.call('market.symbols', { source: info.defaultSource });
        const symbol = symbols.includes(get().symbol) ? get().symbol : (symbols[0] ?? get().symbol);
        set({ info, symbols, source: info.defaultSource, symbol, error: null, simSpeed: info.sim?.speed ?? 1 });
      } catch (e) {
        set({ error: (e as Error).message });
      }
    }
  },
}));
