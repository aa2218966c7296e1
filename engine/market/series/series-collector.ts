/**
 * The collector's series side: starts and stops the series runtimes of http_json sources and of
 * ccxt sources with `series`, checks their settings, and answers market.series,
 * market.series.list, market.series.costs and market.series.export from the store.
 */
import { ApiError } from '../../api/errors';
import type { ParsedInput } from '../../api/contract';
import { extFeatureName, type SeriesCostSummary, type SeriesFreshness, type SeriesInfo } from '../../api/commands/series';
import type { ExtSeriesRepo, SeriesPoint } from '../../../db/repos/ext-series';
import type { FilePolicy } from '../../files/policy';
import type { CollectorOptions } from '../collector-options';
import type { SourceHealthState } from '../health';
import { DEFAULT_SERIES_INTERVAL_S, type Source, type SourceKeys } from '../source-config';
import { CcxtSeriesRuntime } from './ccxt-series-runtime';
import { checkPaths } from './extract';
import { HttpJsonRuntime } from './http-json-runtime';
import { PathError } from './json-path';

type SeriesRuntime = HttpJsonRuntime | CcxtSeriesRuntime;

/** Units of the ccxt series (an http_json source names its own). */
const CCXT_UNITS: Record<string, string> = {
  funding: 'rate / interval',
  open_interest: 'contracts',
  book_spread: 'quote',
  book_mid: 'quote',
  book_bid_depth_0_5pct: 'quote',
  book_ask_depth_0_5pct: 'quote',
  book_bid_depth_1pct: 'quote',
  book_ask_depth_1pct: 'quote',
  book_imbalance_0_5pct: 'ratio',
  book_imbalance_1pct: 'ratio',
};

/**
 * Freshness of a series' newest point against what can be expected of it: a point every poll
 * (`intervalMs`), or — for a series whose points come less often than the source asks (hourly
 * figures polled every minute, funding every 8 h) — every average gap between its stored points.
 */
export function seriesFreshness(s: { last: number | null; first: number | null; points: number }, intervalMs: number, now: number): SeriesFreshness {
  if (s.last === null) return 'none';
  const gap = s.points > 1 && s.first !== null ? (s.last - s.first) / (s.points - 1) : 0;
  const expected = Math.max(intervalMs, gap);
  const age = now - s.last;
  if (age <= 2 * expected) return 'fresh';
  if (age <= 5 * expected) return 'aging';
  return 'stale';
}

/** Checks an http_json source's paths: a 422 naming the field and the path. */
export function checkHttpPaths(i: { valuePath?: string; timePath?: string | null }): void {
  if (i.valuePath === undefined) return;
  try {
    checkPaths({ valuePath: i.valuePath, timePath: i.timePath ?? null });
  } catch (e) {
    if (!(e instanceof PathError)) throw e;
    const field = e.path === i.timePath && i.timePath !== i.valuePath ? 'timePath' : 'valuePath';
    throw new ApiError('UNPROCESSABLE', e.message, { field, path: e.path });
  }
}

export class SeriesCollector {
  private readonly runtimes = new Map<string, SeriesRuntime>();
  /** Sources that have series, by id: kind, interval, unit and cost (for views and lists). */
  private readonly meta = new Map<string, { kind: 'ccxt' | 'http_json'; intervalMs: number; unit: string | null; cost: number; enabled: boolean }>();

  constructor(
    readonly repo: ExtSeriesRepo,
    private readonly opts: CollectorOptions,
    private readonly stored?: (source: string, symbol: string, series: string, points: readonly SeriesPoint[]) => void,
  ) {}

  /** (Re)starts a source's series runtime; a source without series has none. */
  launch(src: Source | null, id: string, enabled: boolean, keys: SourceKeys, h: SourceHealthState): void {
    this.stop(id);
    this.meta.delete(id);
    if (!src) return;
    const o = this.opts;
    const sink = { repo: this.repo, realNow: o.realNow, stored: this.stored };
    const tuning = { timeoutMs: o.timeoutMs, retries: o.retries, retryBaseMs: o.retryBaseMs, backoffBaseMs: o.backoffBaseMs, backoffMaxMs: o.backoffMaxMs, breaker: o.breaker };
    if (src.config.kind === 'http_json') {
      const c = src.config.http;
      this.meta.set(id, { kind: 'http_json', intervalMs: c.intervalSeconds * 1000, unit: c.unit ?? null, cost: c.costPerMonth ?? 0, enabled });
      if (enabled) this.runtimes.set(id, new HttpJsonRuntime(id, c, keys.apiKey ?? null, h, sink, tuning));
      return;
    }
    if (src.config.kind !== 'ccxt' || !src.config.ccxt.series?.length) return;
    const c = src.config.ccxt;
    const interval = c.intervalSeconds ?? DEFAULT_SERIES_INTERVAL_S;
    this.meta.set(id, { kind: 'ccxt', intervalMs: interval * 1000, unit: null, cost: c.costPerMonth ?? 0, enabled });
    if (!enabled) return;
    this.runtimes.set(
      id,
      new CcxtSeriesRuntime(
        id,
        { symbols: c.symbols ?? [], series: c.series ?? [], intervalSeconds: interval, historyMs: 30 * 86_400_000 },
        {
          exchange: c.exchange,
          baseUrl: c.baseUrl ?? null,
          sandbox: c.sandbox ?? false,
          ...keys,
          timeoutMs: c.timeoutMs ?? o.timeoutMs,
          rateLimitMs: c.rateLimitMs ?? null,
          retries: o.retries,
          retryBaseMs: o.retryBaseMs,
          backoffBaseMs: o.backoffBaseMs,
          backoffMaxMs: o.backoffMaxMs,
          breaker: { failures: c.breaker?.failures ?? o.breaker.failures, openMs: c.breaker?.openMs ?? o.breaker.openMs },
        },
        h,
        sink,
      ),
    );
  }

  stop(id: string): void {
    this.runtimes.get(id)?.stop();
    this.runtimes.delete(id);
  }

  remove(id: string): void {
    this.stop(id);
    this.meta.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.runtimes.keys()]) this.stop(id);
  }

  has(id: string): boolean {
    return this.meta.has(id);
  }

  /** The symbol a request means: the given one, or the source's only (first) stored symbol. */
  private symbolOf(source: string, series: string, symbol?: string): string {
    const m = this.meta.get(source);
    if (m?.kind === 'http_json') return '';
    if (symbol) return symbol;
    const stored = this.repo.list(source).filter((s) => s.series === series);
    return stored[0]?.symbol ?? '';
  }

  /** Sources the collector knows besides its own rows (the sim); set by the market module. */
  knownSource: (id: string) => boolean = () => false;

  private require(source: string, series: string): void {
    if (!this.meta.has(source) && !this.knownSource(source) && this.repo.list(source).length === 0) throw new ApiError('NOT_FOUND', `Unknown source: ${source}`, { source });
    const known = this.repo.list(source).some((s) => s.series === series);
    const ext = this.meta.get(source);
    if (!known && ext?.kind === 'http_json' && series !== 'value') throw new ApiError('NOT_FOUND', `An http_json source has one series, "value" (not "${series}")`, { source, series });
  }

  read(i: ParsedInput<'market.series'>): SeriesPoint[] {
    this.require(i.source, i.series);
    const key = { source: i.source, symbol: this.symbolOf(i.source, i.series, i.symbol), series: i.series };
    const limit = i.limit ?? 5000;
    if (i.since === undefined) return this.repo.tail(key, limit, i.until);
    return this.repo.range(key, i.since, i.until, limit);
  }

  list(source?: string): SeriesInfo[] {
    const out: SeriesInfo[] = [];
    const now = this.opts.realNow();
    for (const [id, m] of this.meta) {
      if (source && id !== source) continue;
      const rt = this.runtimes.get(id);
      for (const s of this.repo.list(id)) {
        out.push({
          source: id,
          kind: m.kind,
          symbol: s.symbol,
          series: s.series,
          feature: extFeatureName(id, s.series),
          spec: `ext:${id}:${s.series}`,
          unit: m.kind === 'http_json' ? m.unit : (CCXT_UNITS[s.series] ?? null),
          points: s.points,
          firstTs: s.first,
          lastTs: s.last,
          lastValue: s.lastValue,
          freshness: seriesFreshness(s, m.intervalMs, now),
          lastError: rt?.errors.get(s.symbol, s.series.startsWith('book_') ? 'book' : s.series) ?? null,
        });
      }
    }
    return out;
  }

  costs(kindOf: (id: string) => string): SeriesCostSummary[] {
    const by = new Map<string, SeriesCostSummary>();
    for (const [id, m] of this.meta) {
      if (!m.enabled) continue;
      const kind = kindOf(id);
      const e = by.get(kind) ?? { kind, sources: 0, costPerMonth: 0 };
      e.sources++;
      e.costPerMonth = Math.round((e.costPerMonth + m.cost) * 100) / 100;
      by.set(kind, e);
    }
    return [...by.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  }

  async exportCsv(files: FilePolicy, i: ParsedInput<'market.series.export'>): Promise<{ exported: number; path: string }> {
    this.require(i.source, i.series);
    const target = files.resolveWrite(i.path, i.overwrite ?? false);
    const key = { source: i.source, symbol: this.symbolOf(i.source, i.series, i.symbol), series: i.series };
    let rows: SeriesPoint[] = [];
    for (let from = i.since ?? 0; ; ) {
      const page = this.repo.range(key, from, i.until, 5000);
      rows = rows.concat(page);
      if (page.length < 5000) break;
      from = page[page.length - 1]![0] + 1;
    }
    let text = 'timestamp,value\n';
    for (const [ts, v] of rows) text += `${ts},${v}\n`;
    await files.writeText(target, text, i.overwrite ?? false, i.path);
    return { exported: rows.length, path: target };
  }
}
