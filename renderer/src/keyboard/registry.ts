/**
 * The one keyboard registry. Every action the UI offers is declared once — id, label, group, key,
 * scope — by the component that can run it, while it is mounted. The command palette (Ctrl+K),
 * the shortcut help (?) and the one keydown listener (KeyboardRoot) all read this registry, so a
 * key shown is a key handled, and a key handled is listed.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import { matchScore, parseBinding, type KeyLike } from './keys';

export interface KeyAction {
  id: string;
  /** Shown and searched: "Open order ticket (buy)". */
  label: string;
  /** Group heading: "Go to", "Orders", "Chart", "Signals"… */
  group: string;
  /** The key as shown and bound: "B", "Shift+X", "Alt+3", "Ctrl+K". */
  keys?: string;
  /** A view id: the key works only while that view is shown. Unset: everywhere. */
  scope?: string;
  /** The key also works while typing in a field (Ctrl / Alt combinations). */
  inFields?: boolean;
  /**
   * False: listed (palette, help) but its key is handled elsewhere (a focused table's own keys,
   * or a component not yet moved onto the registry).
   */
  bound?: boolean;
  run(): void;
}

interface KeyboardState {
  actions: Record<string, KeyAction[]>;
  /**
   * Every owner's actions as last declared in this session, kept after it unmounts: the Settings
   * view lists the keys of the views already opened, not only of the one shown.
   */
  declared: Record<string, KeyAction[]>;
  paletteOpen: boolean;
  helpOpen: boolean;
  register(owner: string, actions: KeyAction[]): () => void;
  setPaletteOpen(open: boolean): void;
  setHelpOpen(open: boolean): void;
}

export const useKeyboard = create<KeyboardState>((set, get) => ({
  actions: {},
  declared: {},
  paletteOpen: false,
  helpOpen: false,
  register: (owner, actions) => {
    set((s) => ({ actions: { ...s.actions, [owner]: actions }, declared: { ...s.declared, [owner]: mergeById(s.declared[owner] ?? [], actions) } }));
    // Two actions on one key in one view: only one would ever run. Said loudly (the e2e tests
    // fail on it) rather than silently shadowed.
    for (const c of keyConflicts(allActions(get()))) console.error(`keyboard: ${c.keys} is bound twice (${c.ids.join(', ')})`);
    return () =>
      set((s) => {
        const next = { ...s.actions };
        delete next[owner];
        return { actions: next };
      });
  },
  setPaletteOpen: (paletteOpen) => set({ paletteOpen, helpOpen: false }),
  setHelpOpen: (helpOpen) => set({ helpOpen, paletteOpen: false }),
}));

/** The union by id (the newest declaration of an id wins): an owner that drops an action while it unmounts keeps it listed. */
function mergeById(old: KeyAction[], next: KeyAction[]): KeyAction[] {
  const ids = new Set(next.map((a) => a.id));
  return [...old.filter((a) => !ids.has(a.id)), ...next];
}

export function allActions(s: Pick<KeyboardState, 'actions'>): KeyAction[] {
  return Object.values(s.actions).flat();
}

/**
 * Pairs of bound actions that one keydown could run in the same view: the same binding (after
 * parsing: "k" and "K" are one, "Shift+K" is another) with the same scope, or one of them global.
 */
export function keyConflicts(actions: KeyAction[]): Array<{ keys: string; ids: [string, string] }> {
  const bound = actions.filter((a) => a.keys && a.bound !== false);
  const norm = (k: string) => JSON.stringify(parseBinding(k));
  const out: Array<{ keys: string; ids: [string, string] }> = [];
  for (let i = 0; i < bound.length; i++)
    for (let j = i + 1; j < bound.length; j++) {
      const a = bound[i]!;
      const b = bound[j]!;
      if (norm(a.keys!) !== norm(b.keys!)) continue;
      if (a.scope === undefined || b.scope === undefined || a.scope === b.scope) out.push({ keys: a.keys!, ids: [a.id, b.id] });
    }
  return out;
}

/** Actions that apply in `view`: global ones and the view's own. */
export function actionsIn(actions: KeyAction[], view: string): KeyAction[] {
  return actions.filter((a) => a.scope === undefined || a.scope === view);
}

/** The action a keydown runs in `view`: the exact binding first (Shift+X over X), then a case-insensitive letter. */
export function actionFor(actions: KeyAction[], view: string, e: KeyLike): KeyAction | undefined {
  let best: KeyAction | undefined;
  let bestScore = 0;
  for (const a of actionsIn(actions, view)) {
    if (!a.keys || a.bound === false) continue;
    const s = matchScore(parseBinding(a.keys), e);
    // A view's own action wins over a global one with the same score.
    if (s > bestScore || (s === bestScore && s > 0 && a.scope !== undefined && best?.scope === undefined)) {
      best = a;
      bestScore = s;
    }
  }
  return best;
}

/** Registers `actions` under `owner` while the calling component is mounted. */
export function useKeyActions(owner: string, actions: KeyAction[], deps: unknown[]): void {
  const register = useKeyboard((s) => s.register);
  useEffect(() => register(owner, actions), [register, owner, ...deps]);
}

/** Case-insensitive match of every word of the query against label, group and keys; best first. */
export function filterActions(actions: KeyAction[], query: string): KeyAction[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return actions;
  return actions
    .map((a) => {
      const hay = `${a.label} ${a.group} ${a.keys ?? ''}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) return null;
      const score = a.label.toLowerCase().startsWith(words[0]!) ? 0 : 1;
      return { a, score };
    })
    .filter((x): x is { a: KeyAction; score: number } => x !== null)
    .sort((x, y) => x.score - y.score)
    .map((x) => x.a);
}
