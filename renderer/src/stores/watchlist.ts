/**
 * The watchlist panel's state: open or not (kept across reloads), which list it shows (the chart's
 * source or one of the trader's lists), the lists, and the latest quotes. Quotes come from one
 * batch call (watchlists.quotes) at a time, never overlapping; an answer is applied once per
 * animation frame, and a quote that did not change keeps its object so memoized rows skip it.
 */
import { create } from 'zustand';
import type { WatchQuote, Watchlist, WatchSymbol } from '../../../engine/api';
import { api } from '../api/client';

/** `source`: the chart's source; a number: that list's id. */
export type WatchView = 'source' | number;
const OPEN_KEY = 'signaldesk.watchlist.open';
const VIEW_KEY = 'signaldesk.watchlist.view';
/** How often quotes are asked for while the panel is open (one call for every row). */
export const QUOTES_EVERY_MS = 500;

export interface WatchNote {
  text: string;
  tone: 'ok' | 'refused';
}

interface WatchlistState {
  open: boolean;
  view: WatchView;
  lists: Watchlist[];
  quotes: WatchQuote[];
  /** Bumped when quotes are applied (tests and the bench read it from the DOM). */
  seq: number;
  note: WatchNote | null;
  setOpen(open: boolean): void;
  setView(v: WatchView): void;
  setNote(n: WatchNote | null): void;
  loadLists(): Promise<void>;
  create(name: string, symbols?: WatchSymbol[]): Promise<Watchlist | null>;
  rename(id: number, name: string): Promise<boolean>;
  remove(id: number): Promise<boolean>;
  add(id: number, item: WatchSymbol): Promise<boolean>;
  applyQuotes(q: WatchQuote[]): void;
}

function stored<T>(k: string, parse: (s: string) => T | undefined, fallback: T): T {
  try {
    const v = localStorage.getItem(k);
    return v === null ? fallback : (parse(v) ?? fallback);
  } catch {
    return fallback;
  }
}
function keep(k: string, v: string): void {
  try {
    localStorage.setItem(k, v);
  } catch {
    /* storage unavailable: the panel still works, it just forgets */
  }
}
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const sameQuote = (a: WatchQuote, b: WatchQuote): boolean =>
  a.last === b.last &&
  a.ts === b.ts &&
  a.changePct === b.changePct &&
  a.basis === b.basis &&
  a.signal?.id === b.signal?.id &&
  a.alertRules === b.alertRules &&
  a.activeAlerts === b.activeAlerts &&
  a.error === b.error &&
  a.spark.length === b.spark.length &&
  a.spark[0] === b.spark[0];

export const quoteKey = (q: WatchSymbol): string => `${q.source}|${q.symbol}`;

export const useWatchlist = create<WatchlistState>((set, get) => ({
  open: stored(OPEN_KEY, (s) => s === '1', false),
  view: stored<WatchView>(VIEW_KEY, (s) => (s === 'source' ? 'source' : Number(s) > 0 ? Number(s) : undefined), 'source'),
  lists: [],
  quotes: [],
  seq: 0,
  note: null,
  setOpen: (open) => {
    keep(OPEN_KEY, open ? '1' : '0');
    set({ open });
  },
  setView: (view) => {
    keep(VIEW_KEY, String(view));
    set({ view, quotes: [], note: null });
  },
  setNote: (note) => set({ note }),
  loadLists: async () => {
    const lists = await api.call('watchlists.list', {});
    const v = get().view;
    set({ lists, ...(typeof v === 'number' && !lists.some((l) => l.id === v) ? { view: 'source' as const, quotes: [] } : {}) });
  },
  create: async (name, symbols = []) => {
    try {
      const w = await api.call('watchlists.create', { name, symbols });
      await get().loadLists();
      get().setView(w.id);
      set({ note: { text: `created “${w.name}”`, tone: 'ok' } });
      return w;
    } catch (e) {
      set({ note: { text: `refused: ${errText(e)}`, tone: 'refused' } });
      return null;
    }
  },
  rename: async (id, name) => {
    try {
      const w = await api.call('watchlists.update', { id, name });
      await get().loadLists();
      set({ note: { text: `renamed to “${w.name}”`, tone: 'ok' } });
      return true;
    } catch (e) {
      set({ note: { text: `refused: ${errText(e)}`, tone: 'refused' } });
      return false;
    }
  },
  remove: async (id) => {
    const name = get().lists.find((l) => l.id === id)?.name ?? `#${id}`;
    try {
      await api.call('watchlists.delete', { id });
      get().setView('source');
      await get().loadLists();
      set({ note: { text: `deleted “${name}”`, tone: 'ok' } });
      return true;
    } catch (e) {
      set({ note: { text: `refused: ${errText(e)}`, tone: 'refused' } });
      return false;
    }
  },
  add: async (id, item) => {
    const list = get().lists.find((l) => l.id === id);
    if (!list) return false;
    if (list.symbols.some((s) => s.source === item.source && s.symbol === item.symbol)) {
      set({ note: { text: `${item.symbol} is already in “${list.name}”`, tone: 'refused' } });
      return false;
    }
    try {
      await api.call('watchlists.update', { id, symbols: [...list.symbols, item] });
      await get().loadLists();
      set({ note: { text: `added ${item.symbol} to “${list.name}”`, tone: 'ok' } });
      return true;
    } catch (e) {
      set({ note: { text: `refused: ${errText(e)}`, tone: 'refused' } });
      return false;
    }
  },
  applyQuotes: (next) => {
    const prev = new Map(get().quotes.map((q) => [quoteKey(q), q]));
    const quotes = next.map((q) => {
      const p = prev.get(quoteKey(q));
      return p && sameQuote(p, q) ? p : q;
    });
    set({ quotes, seq: get().seq + 1 });
  },
}));

/** Asks for quotes while `items` is shown: one call at a time, applied at the next animation frame. */
export function pollQuotes(items: { source: string } | { symbols: WatchSymbol[] }, onError: (msg: string) => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let frame = 0;
  const run = async (): Promise<void> => {
    try {
      const r = await api.call('watchlists.quotes', items);
      if (stopped) return;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (!stopped) useWatchlist.getState().applyQuotes(r.quotes);
      });
    } catch (e) {
      if (!stopped) onError(errText(e));
    }
    if (!stopped) timer = setTimeout(() => void run(), QUOTES_EVERY_MS);
  };
  void run();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    cancelAnimationFrame(frame);
  };
}

// A list created, renamed or deleted in another window (or through the API) shows here too.
api.subscribe('watchlists.changed', () => {
  void useWatchlist.getState().loadLists().catch(() => undefined);
});
