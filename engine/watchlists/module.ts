/**
 * Watchlists module: the trader's lists (watchlists.list/create/update/delete, persisted) and the
 * panel's batch quotes (watchlists.quotes). Reads the market and the alerts through narrow ports;
 * listens to candles and signals on the bus.
 */
import { ApiError } from '../api/errors';
import type { Alert, AlertRule } from '../api/commands/alerts';
import type { WatchQuotesResult, WatchSymbol, Watchlist } from '../api/commands/watchlists';
import { WatchlistsRepo } from '../../db/repos/watchlists';
import { WatchQuotesRepo } from '../../db/repos/watch-quotes';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import { QuoteBook, WINDOW_MS, type AlertCounts } from './quote-book';

export interface WatchlistsPorts {
  /** The symbols a source offers now; undefined for an unknown source. */
  symbolsOf(source: string): string[] | undefined;
  alertRules(): Promise<AlertRule[]> | AlertRule[];
  activeAlerts(): Promise<Alert[]> | Alert[];
}

const key = (source: string, symbol: string): string => `${source}|${symbol}`;
/** Sparklines computed from scratch per quotes call (24 index seeks each; the rest follow next call). */
const FULL_SPARKS_PER_CALL = 40;

export class WatchlistsModule implements EngineModule {
  readonly name = 'watchlists';
  readonly repo: WatchlistsRepo;
  private readonly book: QuoteBook;
  private alerts: AlertCounts | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly ports: WatchlistsPorts,
  ) {
    this.repo = new WatchlistsRepo(ctx.db);
    this.book = new QuoteBook(new WatchQuotesRepo(ctx.db));
  }

  start(): void {
    const bus = this.ctx.bus;
    this.unsubscribe.push(
      bus.subscribe('candle.updated', (e) => this.book.onCandle(e)),
      bus.subscribe('candle.closed', (e) => this.book.onCandle(e)),
      bus.subscribe('signal.created', (s) => this.book.onSignal(s)),
      bus.subscribe('alerts.rules.changed', () => (this.alerts = null)),
      bus.subscribe('alert.fired', () => (this.alerts = null)),
      bus.subscribe('alert.updated', () => (this.alerts = null)),
      bus.subscribe('market.sources.changed', (e) => this.book.forgetSource(e.id)),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** Refuses unknown sources and symbols, naming the item (`symbols.3.symbol`). */
  private checkSymbols(symbols: readonly WatchSymbol[]): void {
    symbols.forEach((s, i) => {
      const offered = this.ports.symbolsOf(s.source);
      if (!offered) throw new ApiError('UNPROCESSABLE', `symbols.${i}.source: unknown source ${s.source}`, { field: `symbols.${i}.source`, source: s.source });
      // A source whose symbols are not known yet (an exchange still discovering) accepts any well-formed symbol.
      if (offered.length > 0 && !offered.includes(s.symbol)) {
        throw new ApiError('UNPROCESSABLE', `symbols.${i}.symbol: ${s.source} does not offer ${s.symbol}`, { field: `symbols.${i}.symbol`, source: s.source, symbol: s.symbol });
      }
    });
  }

  private checkName(name: string, except?: number): void {
    const other = this.repo.byName(name);
    if (other && other.id !== except) throw new ApiError('CONFLICT', `name: a watchlist named "${other.name}" exists already`, { field: 'name', id: other.id });
  }

  private require(id: number): Watchlist {
    const w = this.repo.get(id);
    if (!w) throw new ApiError('NOT_FOUND', `id: no watchlist ${id}`, { field: 'id', id });
    return w;
  }

  private async alertCounts(): Promise<AlertCounts> {
    if (this.alerts) return this.alerts;
    const [rules, active] = await Promise.all([this.ports.alertRules(), this.ports.activeAlerts()]);
    const counts: AlertCounts = { rules: new Map(), active: new Map() };
    for (const r of rules) {
      if (!r.enabled || (r.kind !== 'price' && r.kind !== 'indicator')) continue;
      const c = r.condition as { source: string; symbol: string };
      const k = key(c.source, c.symbol);
      counts.rules.set(k, (counts.rules.get(k) ?? 0) + 1);
    }
    for (const a of active) {
      if (!a.source || !a.symbol) continue;
      const k = key(a.source, a.symbol);
      counts.active.set(k, (counts.active.get(k) ?? 0) + 1);
    }
    return (this.alerts = counts);
  }

  /** Tells every window a list changed; returns it. */
  private changed(w: Watchlist): Watchlist {
    this.ctx.bus.publish('watchlists.changed', { ids: [w.id] });
    return w;
  }

  readonly handlers: Partial<Handlers> = {
    'watchlists.list': () => this.repo.list(),
    'watchlists.create': ({ name, symbols }) => {
      this.checkName(name);
      this.checkSymbols(symbols);
      return this.changed(this.repo.create(name, symbols, Date.now()));
    },
    'watchlists.update': ({ id, name, symbols }) => {
      this.require(id);
      if (name !== undefined) this.checkName(name, id);
      if (symbols) this.checkSymbols(symbols);
      return this.changed(this.repo.update(id, { name, symbols }, Date.now())!);
    },
    'watchlists.delete': ({ id }) => {
      this.require(id);
      const deleted = this.repo.delete(id);
      this.ctx.bus.publish('watchlists.changed', { ids: [id] });
      return { deleted };
    },
    'watchlists.quotes': async ({ source, symbols }): Promise<WatchQuotesResult> => {
      let items: WatchSymbol[];
      if (source !== undefined) {
        const offered = this.ports.symbolsOf(source);
        if (!offered) throw new ApiError('NOT_FOUND', `source: unknown source ${source}`, { field: 'source', source });
        items = offered.map((symbol) => ({ source, symbol }));
      } else items = symbols ?? [];
      const alerts = await this.alertCounts();
      this.book.beginBatch(FULL_SPARKS_PER_CALL);
      // Each source's symbols are read once per call, as a set.
      const offeredBy = new Map<string, Set<string> | null>();
      const offeredOf = (src: string): Set<string> | null => {
        if (!offeredBy.has(src)) {
          const list = this.ports.symbolsOf(src);
          offeredBy.set(src, list ? new Set(list) : null);
        }
        return offeredBy.get(src)!;
      };
      const quotes = items.map((it) => {
        const offered = offeredOf(it.source);
        const error = !offered ? `unknown source ${it.source}` : offered.size > 0 && !offered.has(it.symbol) ? `${it.source} does not offer ${it.symbol}` : null;
        return this.book.quote(it, alerts, error);
      });
      return { at: this.ctx.clock(), windowMs: WINDOW_MS, quotes };
    },
  };
}
