/** Number formatting for the Backtest view. */
export const f2 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 }));
export const fpx = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(2) : Math.abs(v) >= 1 ? v.toFixed(4) : v.toPrecision(5));
export const fdur = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '—' : ms >= 86_400_000 ? `${(ms / 86_400_000).toFixed(1)} d` : ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`;
export const fts = (ts: number): string => new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
