/**
 * The paper matcher, a pure function: what one open order does at a new price. Market orders fill
 * at the price plus slippage, limits when price crosses them (maker fee), stops when triggered
 * (stop-limits turn into limits). Exit legs never grow a position: they shrink to it, or are
 * cancelled when there is nothing left to reduce. Live accounts only match engine-managed legs.
 */
import type { Account, Order } from '../api/contract';
import { D, bps, type Dec } from './decimal';
import { paperRules } from './sizing';

export type MatchResult =
  | { kind: 'none' }
  /** A stop-limit's trigger was hit: it now rests as a limit (and may fill in the same step). */
  | { kind: 'triggered'; then: MatchResult }
  | { kind: 'cancel' }
  | { kind: 'fill'; amount: Dec; price: Dec; fee: Dec; maker: boolean }
  /** An engine-managed leg of a live account triggered: the engine sends a reduce-only market order. */
  | { kind: 'live-leg'; amount: Dec };

export function matchOrder(o: Order, a: Pick<Account, 'kind' | 'slippageBps' | 'makerFeeBps' | 'takerFeeBps'>, px: Dec, positionQty: Dec): MatchResult {
  const managedLeg = o.role === 'stop' || o.role === 'target';
  if (a.kind === 'live' && !managedLeg) return { kind: 'none' };
  const r = paperRules(o.symbol, px);
  const slip = bps(a.slippageBps);
  const market = (): Dec => D.roundTo(D.mul(px, o.side === 'buy' ? D.add('1', slip) : D.sub('1', slip)), r.tick);
  let fillPx: Dec | null = null;
  let maker = false;
  let type = o.type;
  let triggered = false;
  if (type === 'stop' || (type === 'stop_limit' && !o.triggered)) {
    const hit = o.side === 'buy' ? D.gte(px, o.stopPrice!) : D.lte(px, o.stopPrice!);
    if (!hit) return { kind: 'none' };
    if (type === 'stop') fillPx = market();
    else {
      triggered = true;
      type = 'limit';
    }
  }
  const wrap = (m: MatchResult): MatchResult => (triggered ? { kind: 'triggered', then: m } : m);
  if (type === 'market') fillPx = market();
  if (type === 'limit' || (type === 'stop_limit' && fillPx === null)) {
    const lim = o.price!;
    const cross = o.side === 'buy' ? D.lte(px, lim) : D.gte(px, lim);
    if (!cross) return wrap({ kind: 'none' });
    fillPx = o.side === 'buy' ? D.min(px, lim) : D.max(px, lim);
    maker = true;
  }
  if (fillPx === null) return wrap({ kind: 'none' });
  let amount = o.amount;
  if (o.role !== 'entry') {
    const reduces = !D.isZero(positionQty) && (D.sign(positionQty) > 0) === (o.side === 'sell');
    if (!reduces) return wrap({ kind: 'cancel' });
    amount = D.min(amount, D.abs(positionQty));
  }
  if (a.kind === 'live') return wrap({ kind: 'live-leg', amount });
  const fee = D.roundTo(D.mul(D.mul(amount, fillPx), bps(maker ? a.makerFeeBps : a.takerFeeBps)), '0.00000001');
  return wrap({ kind: 'fill', amount, price: fillPx, fee, maker });
}
