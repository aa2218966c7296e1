/** Words and numbers of the watchlist rows. */
import type { ChangeBasis } from '../../../engine/api';

export function fmtLast(v: number | null): string {
  if (v === null) return '—';
  const a = Math.abs(v);
  const d = a >= 1000 ? 2 : a >= 1 ? 4 : 6;
  return v.toLocaleString('en-US', { minimumFractionDigits: Math.min(2, d), maximumFractionDigits: d });
}

export function fmtChange(p: number | null): string {
  if (p === null) return '—';
  return `${p >= 0 ? '+' : ''}${p.toFixed(2)}%`;
}

export function basisWords(b: ChangeBasis | null): string {
  if (b === '24h') return 'change over the last 24 h (source clock)';
  if (b === 'session') return 'change since the session start (less than 24 h stored)';
  return 'no change yet: nothing stored';
}

/** The change column's heading: 24h, Session, or 24h* when rows differ. */
export function basisHeading(bases: ReadonlyArray<ChangeBasis | null>): { label: string; title: string } {
  const set = new Set(bases.filter((b): b is ChangeBasis => b !== null));
  if (set.size === 1 && set.has('session')) return { label: 'Session %', title: `Change since the session start: less than 24 h of history is stored` };
  if (set.size === 2) return { label: '24h %*', title: 'Change over 24 h; rows marked in their tooltip show the change since the session start (less history stored)' };
  return { label: '24h %', title: 'Change over the last 24 hours (source clock: the sim clock on the simulated market)' };
}
