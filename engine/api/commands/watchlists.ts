/**
 * Watchlists area: the trader's own lists of symbols ({name, symbols: [{source, symbol}]}) and one
 * batch read of what the watchlist panel shows for many symbols at once (last price, change, a
 * sparkline, the newest signal's side, alert rules), so a refresh is one call, not one per row.
 */
import { z } from 'zod';
import { command, Empty, SourceId, SymbolSchema } from './define';
import type { SignalSide } from './signals';

export const WATCHLIST_MAX_SYMBOLS = 500;
/** Points of a quote's sparkline: hourly closes over the change window, oldest first, the last one live. */
export const SPARK_POINTS = 24;

export const WatchSymbolSchema = z.object({ source: SourceId, symbol: SymbolSchema }).strict();
export type WatchSymbol = z.infer<typeof WatchSymbolSchema>;

const ListName = z.string().trim().min(1, 'name: give the list a name').max(64, 'name: at most 64 characters');
const ListSymbols = z
  .array(WatchSymbolSchema)
  .max(WATCHLIST_MAX_SYMBOLS, `symbols: at most ${WATCHLIST_MAX_SYMBOLS} per list`)
  .superRefine((items, ctx) => {
    const seen = new Map<string, number>();
    items.forEach((s, i) => {
      const k = `${s.source}|${s.symbol.toUpperCase()}`;
      const first = seen.get(k);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `${s.symbol} on ${s.source} is already in the list (item ${first})` });
      else seen.set(k, i);
    });
  });
const Id = z.number().int().positive();

export interface Watchlist {
  id: number;
  name: string;
  symbols: WatchSymbol[];
  createdAt: number;
  updatedAt: number;
}

/**
 * What the change is measured against: `24h` — the close 24 hours before the last price (engine
 * clock); `session` — the oldest bar stored within those 24 hours (a source with less history,
 * e.g. a sim started with little back-fill), i.e. the change since the session's start.
 */
export type ChangeBasis = '24h' | 'session';

export interface WatchQuote {
  source: string;
  symbol: string;
  /** Last price (the forming bar's close), null when nothing is stored yet. */
  last: number | null;
  /** Open time of the bar `last` comes from (ms UTC). */
  ts: number | null;
  /** The price the change is measured from, and the change in %. */
  ref: number | null;
  changePct: number | null;
  basis: ChangeBasis | null;
  /** Hourly closes over the window, oldest first, the last point the live price (≤ SPARK_POINTS + 1). */
  spark: number[];
  /** The newest signal on this symbol (any channel, not rejected). */
  signal: { id: number; side: SignalSide; barTime: number } | null;
  /** Enabled price / indicator alert rules on this symbol, and its alerts that are active now. */
  alertRules: number;
  activeAlerts: number;
  /** Set when the symbol cannot be quoted (unknown source or symbol). */
  error: string | null;
}

export interface WatchQuotesResult {
  /** Engine time of the answer (the sim clock on the sim). */
  at: number;
  windowMs: number;
  quotes: WatchQuote[];
}

export const WatchlistCreateInput = z.object({ name: ListName, symbols: ListSymbols.default([]) }).strict();
export const WatchlistUpdateInput = z.object({ id: Id, name: ListName.optional(), symbols: ListSymbols.optional() }).strict();
export const WatchQuotesInput = z
  .object({
    /** Every symbol of a source (the chart's source)… */
    source: SourceId.optional(),
    /** …or these pairs (a custom list). */
    symbols: z.array(WatchSymbolSchema).max(WATCHLIST_MAX_SYMBOLS).optional(),
  })
  .strict()
  .refine((v) => (v.source === undefined) !== (v.symbols === undefined), { message: 'give exactly one of source or symbols', path: ['source'] });

export const watchlistsCommands = {
  'watchlists.list': command<Watchlist[]>()('The trader’s watchlists, by name.', Empty),
  'watchlists.create': command<Watchlist>()(
    'Creates a watchlist {name, symbols: [{source, symbol}]}; names are unique (case-insensitive); unknown sources or symbols are refused naming the item.',
    WatchlistCreateInput,
  ),
  'watchlists.update': command<Watchlist>()('Renames a watchlist and/or replaces its symbols (in the given order).', WatchlistUpdateInput),
  'watchlists.delete': command<{ deleted: number }>()('Deletes a watchlist.', z.object({ id: Id }).strict()),
  'watchlists.quotes': command<WatchQuotesResult>()(
    'One batch read for the watchlist panel: per symbol the last price, the change over 24 h (or since the session start where less is stored), an hourly sparkline, the newest signal and the alerts on it — for every symbol of a source, or for the given pairs.',
    WatchQuotesInput,
  ),
} as const;

export interface WatchlistsEvents {
  /** Lists were created, renamed, re-ordered or deleted (every window reloads its lists). */
  'watchlists.changed': { ids: number[] };
}
export const WATCHLISTS_TOPICS = ['watchlists.changed'] as const satisfies readonly (keyof WatchlistsEvents)[];
