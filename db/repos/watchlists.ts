/**
 * Watchlists repository: named lists of (source, symbol) in order. `toWatchlist` is the only place
 * rows and objects meet; statements are prepared once; a list's symbols are replaced in one
 * transaction with its row.
 */
import type { Database } from 'better-sqlite3';
import type { Watchlist, WatchSymbol } from '../../engine/api/commands/watchlists';

interface ListRow {
  id: number;
  name: string;
  created_at: number;
  updated_at: number;
}
interface SymbolRow {
  watchlist_id: number;
  source: string;
  symbol: string;
}
const toWatchlist = (r: ListRow, symbols: WatchSymbol[]): Watchlist => ({ id: r.id, name: r.name, symbols, createdAt: r.created_at, updatedAt: r.updated_at });

export class WatchlistsRepo {
  private readonly listStmt;
  private readonly getStmt;
  private readonly byNameStmt;
  private readonly allSymbolsStmt;
  private readonly symbolsStmt;
  private readonly insertStmt;
  private readonly renameStmt;
  private readonly touchStmt;
  private readonly clearSymbolsStmt;
  private readonly addSymbolStmt;
  private readonly deleteStmt;

  constructor(private readonly db: Database) {
    this.listStmt = db.prepare<[], ListRow>('SELECT * FROM watchlists ORDER BY name COLLATE NOCASE, id');
    this.getStmt = db.prepare<[number], ListRow>('SELECT * FROM watchlists WHERE id = ?');
    this.byNameStmt = db.prepare<[string], ListRow>('SELECT * FROM watchlists WHERE name = ? COLLATE NOCASE');
    this.allSymbolsStmt = db.prepare<[], SymbolRow>('SELECT watchlist_id, source, symbol FROM watchlist_symbols ORDER BY watchlist_id, position');
    this.symbolsStmt = db.prepare<[number], SymbolRow>('SELECT watchlist_id, source, symbol FROM watchlist_symbols WHERE watchlist_id = ? ORDER BY position');
    this.insertStmt = db.prepare<[string, number, number]>('INSERT INTO watchlists (name, created_at, updated_at) VALUES (?, ?, ?)');
    this.renameStmt = db.prepare<[string, number, number]>('UPDATE watchlists SET name = ?, updated_at = ? WHERE id = ?');
    this.touchStmt = db.prepare<[number, number]>('UPDATE watchlists SET updated_at = ? WHERE id = ?');
    this.clearSymbolsStmt = db.prepare<[number]>('DELETE FROM watchlist_symbols WHERE watchlist_id = ?');
    this.addSymbolStmt = db.prepare<[number, number, string, string]>('INSERT INTO watchlist_symbols (watchlist_id, position, source, symbol) VALUES (?, ?, ?, ?)');
    this.deleteStmt = db.prepare<[number]>('DELETE FROM watchlists WHERE id = ?');
  }

  list(): Watchlist[] {
    const by = new Map<number, WatchSymbol[]>();
    for (const r of this.allSymbolsStmt.all()) {
      let arr = by.get(r.watchlist_id);
      if (!arr) by.set(r.watchlist_id, (arr = []));
      arr.push({ source: r.source, symbol: r.symbol });
    }
    return this.listStmt.all().map((r) => toWatchlist(r, by.get(r.id) ?? []));
  }

  get(id: number): Watchlist | undefined {
    const r = this.getStmt.get(id);
    return r ? toWatchlist(r, this.symbolsStmt.all(id).map((s) => ({ source: s.source, symbol: s.symbol }))) : undefined;
  }

  /** The list with this name (case-insensitive), if any. */
  byName(name: string): Watchlist | undefined {
    const r = this.byNameStmt.get(name);
    return r ? this.get(r.id) : undefined;
  }

  create(name: string, symbols: readonly WatchSymbol[], now: number): Watchlist {
    return this.db.transaction(() => {
      const id = Number(this.insertStmt.run(name, now, now).lastInsertRowid);
      this.writeSymbols(id, symbols);
      return this.get(id)!;
    })();
  }

  update(id: number, change: { name?: string; symbols?: readonly WatchSymbol[] }, now: number): Watchlist | undefined {
    return this.db.transaction(() => {
      if (!this.getStmt.get(id)) return undefined;
      if (change.name !== undefined) this.renameStmt.run(change.name, now, id);
      else this.touchStmt.run(now, id);
      if (change.symbols) {
        this.clearSymbolsStmt.run(id);
        this.writeSymbols(id, change.symbols);
      }
      return this.get(id);
    })();
  }

  delete(id: number): number {
    return this.db.transaction(() => {
      this.clearSymbolsStmt.run(id);
      return this.deleteStmt.run(id).changes;
    })();
  }

  private writeSymbols(id: number, symbols: readonly WatchSymbol[]): void {
    symbols.forEach((s, i) => this.addSymbolStmt.run(id, i, s.source, s.symbol));
  }
}
