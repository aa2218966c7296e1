/**
 * Price rules indexed by (source, symbol): a price update only visits the rules of its symbol,
 * each an O(1) side check (moves rules scan the symbol's window). Keeps the last side of each
 * crossing rule and a bounded window of samples per symbol for the moves rules.
 */
import type { AlertRule, PriceConditionT } from '../api/commands/alerts';
import { movesPct, priceCross, type PriceSample, type Side } from './evaluate';

export interface PriceRuleEntry {
  rule: AlertRule;
  cond: PriceConditionT;
  lastSide: Side | undefined;
  /** Moves rules: samples older than this are ignored (the last firing). */
  since: number;
}

export interface PriceHit {
  entry: PriceRuleEntry;
  price: number;
  /** Crossings: the level; moves: the window's reference price. */
  from: number;
  changePct: number | null;
}

interface SymbolBook {
  rules: PriceRuleEntry[];
  samples: PriceSample[];
  windowMs: number;
  last: number | undefined;
}

export const priceKey = (source: string, symbol: string): string => `${source}|${symbol}`;

export class PriceBook {
  private readonly books = new Map<string, SymbolBook>();
  /** Rules whose last side changed since the last `takeDirty` (persisted lazily). */
  private dirty = new Set<PriceRuleEntry>();

  constructor(entries: readonly PriceRuleEntry[] = []) {
    for (const e of entries) this.add(e);
  }

  add(e: PriceRuleEntry): void {
    const k = priceKey(e.cond.source, e.cond.symbol);
    let b = this.books.get(k);
    if (!b) this.books.set(k, (b = { rules: [], samples: [], windowMs: 0, last: undefined }));
    b.rules.push(e);
    if (e.cond.op === 'moves_pct') b.windowMs = Math.max(b.windowMs, (e.cond.windowMinutes ?? 0) * 60_000);
  }

  get size(): number {
    let n = 0;
    for (const b of this.books.values()) n += b.rules.length;
    return n;
  }

  symbols(): string[] {
    return [...this.books.keys()];
  }

  /** Applies one live price; returns the rules it fires (their side is already updated). */
  update(source: string, symbol: string, price: number, now: number): PriceHit[] {
    const b = this.books.get(priceKey(source, symbol));
    if (!b || !(price > 0)) return [];
    if (b.windowMs > 0) {
      const s = b.samples;
      if (!s.length || s[s.length - 1]!.ts < now) s.push({ ts: now, price });
      else s[s.length - 1] = { ts: now, price };
      let drop = 0;
      while (drop < s.length && s[drop]!.ts < now - b.windowMs) drop++;
      if (drop > 64 || (drop > 0 && drop === s.length - 1)) s.splice(0, drop);
    }
    if (price === b.last && b.windowMs === 0) return [];
    b.last = price;
    let hits: PriceHit[] | null = null;
    for (const e of b.rules) {
      const c = e.cond;
      if (c.op === 'moves_pct') {
        const m = movesPct(b.samples, price, now, (c.windowMinutes ?? 0) * 60_000, c.value, e.since);
        if (m?.fired) (hits ??= []).push({ entry: e, price, from: m.from, changePct: m.changePct });
        continue;
      }
      const r = priceCross(c.op, c.value, e.lastSide, price);
      if (r.side !== e.lastSide) {
        e.lastSide = r.side;
        this.dirty.add(e);
      }
      if (r.fired) (hits ??= []).push({ entry: e, price, from: c.value, changePct: null });
    }
    return hits ?? [];
  }

  takeDirty(): PriceRuleEntry[] {
    const out = [...this.dirty];
    this.dirty.clear();
    return out;
  }

  lastPrice(source: string, symbol: string): number | undefined {
    return this.books.get(priceKey(source, symbol))?.last;
  }
}
