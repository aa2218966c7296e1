/**
 * The one list-selection hook: ↑/↓ and j/k move the selection of a focused list, Home/End jump.
 * It handles only those keys (lowercase j/k), so every other key — K for the kill switch, Shift+X
 * to flatten — goes on to the list's own keys and then to the keyboard registry.
 */
import { useEffect, useState } from 'react';

export interface ListSelection {
  sel: number;
  setSel(i: number): void;
  /** Handles a navigation key; true when it did (the event is then consumed). */
  onKey(e: React.KeyboardEvent): boolean;
}

export function nextIndex(key: string, sel: number, n: number): number | null {
  if (n === 0) return null;
  if (key === 'ArrowDown' || key === 'j') return Math.min(n - 1, sel + 1);
  if (key === 'ArrowUp' || key === 'k') return Math.max(0, sel - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return n - 1;
  return null;
}

export function useListSelection(n: number, controlled?: { sel: number; setSel(i: number): void }): ListSelection {
  const [own, setOwn] = useState(0);
  const sel = controlled ? controlled.sel : own;
  const setSel = controlled ? controlled.setSel : setOwn;
  useEffect(() => {
    if (!controlled) setOwn((s) => Math.min(s, Math.max(0, n - 1)));
  }, [n, controlled]);
  const onKey = (e: React.KeyboardEvent): boolean => {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    const next = nextIndex(e.key, sel, n);
    if (next === null) return false;
    setSel(next);
    e.preventDefault();
    e.stopPropagation();
    return true;
  };
  return { sel, setSel, onKey };
}
