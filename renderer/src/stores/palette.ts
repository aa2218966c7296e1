/**
 * The command palette's registry: every action the UI offers by keyboard, with its key, in one
 * list. Components register their actions while mounted (`usePaletteActions`), so the palette
 * (Ctrl+K) always lists what can be done right now and how to do it without the palette.
 */
import { useEffect } from 'react';
import { create } from 'zustand';

export interface PaletteAction {
  id: string;
  /** Shown and searched: "Open order ticket (buy)". */
  label: string;
  /** Group heading: "Go to", "Orders", "Chart", "Signals"… */
  group: string;
  /** The direct key, as shown: "B", "Alt+3". */
  keys?: string;
  run(): void;
}

interface PaletteState {
  open: boolean;
  actions: Record<string, PaletteAction[]>;
  setOpen(open: boolean): void;
  register(owner: string, actions: PaletteAction[]): () => void;
}

export const usePalette = create<PaletteState>((set) => ({
  open: false,
  actions: {},
  setOpen: (open) => set({ open }),
  register: (owner, actions) => {
    set((s) => ({ actions: { ...s.actions, [owner]: actions } }));
    return () =>
      set((s) => {
        const next = { ...s.actions };
        delete next[owner];
        return { actions: next };
      });
  },
}));

export function allActions(s: Pick<PaletteState, 'actions'>): PaletteAction[] {
  return Object.values(s.actions).flat();
}

/** Registers `actions` under `owner` while the calling component is mounted. */
export function usePaletteActions(owner: string, actions: PaletteAction[], deps: unknown[]): void {
  const register = usePalette((s) => s.register);
  useEffect(() => register(owner, actions), [register, owner, ...deps]);
}

/** Case-insensitive match of every word of the query against label, group and keys; best first. */
export function filterActions(actions: PaletteAction[], query: string): PaletteAction[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return actions;
  return actions
    .map((a) => {
      const hay = `${a.label} ${a.group} ${a.keys ?? ''}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) return null;
      const score = a.label.toLowerCase().startsWith(words[0]!) ? 0 : 1;
      return { a, score };
    })
    .filter((x): x is { a: PaletteAction; score: number } => x !== null)
    .sort((x, y) => x.score - y.score)
    .map((x) => x.a);
}
