/** Readable messages: "BTC/USDT crossed above 70,000.00 at 70,012.50". */
import { fmtPrice, type IndicatorConditionT, type PriceConditionT } from '../api/commands/alerts';
import type { PriceHit } from './price-book';

const num = (v: number): string => (Math.abs(v) >= 1000 ? fmtPrice(v) : Number(v.toFixed(Math.abs(v) >= 1 ? 2 : 6)).toString());

export function describePrice(c: PriceConditionT, h: PriceHit): string {
  if (c.op === 'moves_pct') {
    const pct = h.changePct ?? 0;
    return `${c.symbol} ${pct >= 0 ? 'rose' : 'fell'} ${Math.abs(pct).toFixed(2)} % within ${c.windowMinutes} min: ${fmtPrice(h.from)} → ${fmtPrice(h.price)}`;
  }
  return `${c.symbol} crossed ${c.op === 'crosses_above' ? 'above' : 'below'} ${fmtPrice(c.value)} at ${fmtPrice(h.price)}`;
}

export function describeIndicator(c: IndicatorConditionT, a: number, b: number): string {
  const rhs = c.otherFeature !== undefined ? `${c.otherFeature} (${num(b)})` : num(b);
  const verb = c.op === '<' ? 'is below' : c.op === '>' ? 'is above' : c.op === 'crosses_above' ? 'crossed above' : 'crossed below';
  return `${c.feature} on ${c.symbol} ${c.timeframe} ${verb} ${rhs} at ${num(a)}`;
}
