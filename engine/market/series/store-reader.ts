/**
 * The point-in-time reader over the store (ExtSeriesRepo): the live signals, alerts,
 * indicators.series and the backtest's loader read series values through it, by the rule in
 * point-in-time.ts (the newest point with time ≤ t).
 */
import { ExtSeriesRepo } from '../../../db/repos/ext-series';
import type { Database } from '../../../db/database';
import { matchSymbol, type ExtReader, type ExtSpec } from './point-in-time';

export class StoreExtReader implements ExtReader {
  private readonly repo: ExtSeriesRepo;

  constructor(db: Database) {
    this.repo = new ExtSeriesRepo(db);
  }

  private key(spec: ExtSpec, candleSymbol: string): { source: string; symbol: string; series: string } | null {
    const symbol = matchSymbol(this.repo.symbols(spec.source, spec.series), candleSymbol);
    return symbol === null ? null : { source: spec.source, symbol, series: spec.series };
  }

  valueAt(spec: ExtSpec, candleSymbol: string, t: number): number | undefined {
    const k = this.key(spec, candleSymbol);
    return k ? this.repo.atOrBefore(k, t)?.[1] : undefined;
  }

  points(spec: ExtSpec, candleSymbol: string, since: number, until: number): Array<[number, number]> {
    const k = this.key(spec, candleSymbol);
    if (!k) return [];
    const before = this.repo.atOrBefore(k, since);
    const out: Array<[number, number]> = before ? [before] : [];
    for (let from = since + 1; ; ) {
      const page = this.repo.range(k, from, until + 1, 50_000);
      for (const p of page) out.push(p);
      if (page.length < 50_000) break;
      from = page[page.length - 1]![0] + 1;
    }
    return out;
  }
}
