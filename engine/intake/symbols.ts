/**
 * Symbol normalisation against a market's symbol list: `BTC/USDT` as is, `BTCUSDT`,
 * `BINANCE:BTCUSDT`, `BTC-USDT`, `BTC_USDT`, `btcusdt.p` / `BTCUSDT.P` (TradingView perpetuals)
 * → the market's unified `BTC/USDT`. Unknown symbols return null.
 */
export function normaliseSymbol(raw: string, offered: readonly string[]): string | null {
  let s = raw.trim().toUpperCase();
  const colon = s.indexOf(':');
  if (colon >= 0 && !s.includes('/')) s = s.slice(colon + 1);
  s = s.replace(/\.P$/, '').replace(/PERP$/, '');
  if (offered.includes(s)) return s;
  const flat = s.replace(/[/_\-\s]/g, '');
  for (const o of offered) {
    const base = o.split(':')[0]!;
    if (base.replace('/', '') === flat) return o;
  }
  return null;
}

/** The TradingView interval ("1", "15", "60", "240", "D", "1D", "W") or ours ("15m") → our timeframe, or null. */
export function normaliseTimeframe(raw: string | number | undefined, known: readonly string[]): string | null {
  if (raw === undefined) return null;
  const s = String(raw).trim();
  if (known.includes(s)) return s;
  if (/^\d+$/.test(s)) {
    const m = Number(s);
    const tf = m % 1440 === 0 ? `${m / 1440}d` : m % 60 === 0 ? `${m / 60}h` : `${m}m`;
    return known.includes(tf) ? tf : null;
  }
  const u = s.toUpperCase();
  if (u === 'D' || u === '1D') return known.includes('1d') ? '1d' : null;
  return null;
}
