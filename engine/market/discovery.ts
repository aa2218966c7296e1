/**
 * Dynamic symbol lists: the top N markets by 24h quote volume, filtered (quote currency, minimum
 * volume, include / exclude lists, spot only), each pick and each near miss with its reason.
 */
import type { DiscoveryConfig, DiscoveryPick, DiscoveryResult } from '../api/commands/market';

export interface MarketLite {
  symbol: string;
  quote: string;
  spot: boolean;
  active: boolean;
}
export interface TickerLite {
  symbol: string;
  quoteVolume: number | null;
}

const fmt = (v: number): string =>
  v >= 1e9 ? `${(v / 1e9).toFixed(2)}B` : v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(0);

export function discover(cfg: DiscoveryConfig, markets: MarketLite[], tickers: TickerLite[], at: number): DiscoveryResult {
  const vol = new Map(tickers.map((t) => [t.symbol, t.quoteVolume]));
  const exclude = new Set(cfg.exclude ?? []);
  const include = new Set(cfg.include ?? []);
  const spotOnly = cfg.spotOnly ?? true;
  const rejected: DiscoveryPick[] = [];
  const candidates: Array<{ symbol: string; v: number }> = [];
  const bySymbol = new Map(markets.map((m) => [m.symbol, m]));
  const ranked = markets
    .map((m) => ({ m, v: vol.get(m.symbol) ?? null }))
    .sort((a, b) => (b.v ?? -1) - (a.v ?? -1));
  ranked.forEach(({ m, v }) => {
    const reject = (reason: string): void => {
      rejected.push({ symbol: m.symbol, rank: null, quoteVolume: v, reason });
    };
    if (include.has(m.symbol)) return;
    if (exclude.has(m.symbol)) return reject('excluded by the exclude list');
    if (!m.active) return reject('market not active (not trading)');
    if (spotOnly && !m.spot) return reject('not a spot market');
    if (cfg.quote && m.quote !== cfg.quote) return reject(`quote ${m.quote}, not ${cfg.quote}`);
    if (v === null) return reject('no 24h volume reported');
    if (cfg.minQuoteVolume !== undefined && v < cfg.minQuoteVolume) return reject(`24h quote volume ${fmt(v)} below the minimum ${fmt(cfg.minQuoteVolume)}`);
    candidates.push({ symbol: m.symbol, v });
  });
  const picked: DiscoveryPick[] = [];
  for (const s of include) {
    const m = bySymbol.get(s);
    picked.push({ symbol: s, rank: null, quoteVolume: vol.get(s) ?? null, reason: m ? 'included by the include list' : 'included by the include list (not listed on the exchange)' });
  }
  const slots = Math.max(0, cfg.top - picked.length);
  candidates.slice(0, slots).forEach((c, i) => {
    picked.push({ symbol: c.symbol, rank: i + 1, quoteVolume: c.v, reason: `#${i + 1} by 24h quote volume (${fmt(c.v)}${cfg.quote ? ` ${cfg.quote}` : ''})` });
  });
  candidates.slice(slots, slots + 20).forEach((c, i) => {
    rejected.unshift({ symbol: c.symbol, rank: slots + i + 1, quoteVolume: c.v, reason: `#${slots + i + 1} by 24h quote volume: outside the top ${cfg.top}` });
  });
  const order = (p: DiscoveryPick): number => p.quoteVolume ?? -1;
  return { refreshedAt: at, picked, rejected: rejected.sort((a, b) => order(b) - order(a)).slice(0, 50), error: null };
}
