/**
 * Key bindings as written on screen ("K", "Shift+X", "Alt+3", "Ctrl+K", "?") and how a keydown
 * matches one. A letter binding without Shift matches either case (so "K" works with Caps Lock
 * and from lists, where lowercase j/k move the selection); "Shift+X" needs Shift or a capital X.
 */
export interface Binding {
  key: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

export function parseBinding(keys: string): Binding {
  const parts = keys.split('+');
  const key = parts.pop() === '' ? '+' : keys.slice(keys.lastIndexOf('+') + 1);
  const mods = parts.map((p) => p.toLowerCase());
  return { key: key.toLowerCase(), ctrl: mods.includes('ctrl') || mods.includes('cmd'), alt: mods.includes('alt'), shift: mods.includes('shift') };
}

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** The physical key ("KeyA"): Alt+letter is matched by it, as macOS turns Alt+A into "å". */
  code?: string;
}

const isLetter = (k: string): boolean => /^[a-z]$/i.test(k);

/** How well an event matches a binding: 2 exact (Shift as written), 1 case-insensitive letter, 0 no match. */
export function matchScore(b: Binding, e: KeyLike): 0 | 1 | 2 {
  if (b.ctrl !== (e.ctrlKey || e.metaKey) || b.alt !== e.altKey) return 0;
  const byCode = e.altKey && e.code && /^Key[A-Z]$/.test(e.code) ? e.code.slice(3).toLowerCase() : null;
  const key = byCode ?? e.key.toLowerCase();
  if (key !== b.key) return 0;
  if (byCode) return b.shift === e.shiftKey ? 2 : 0;
  if (!isLetter(e.key)) return b.shift === e.shiftKey || !b.shift ? 2 : 0;
  const shifted = e.shiftKey || e.key !== e.key.toLowerCase();
  if (b.shift) return shifted ? 2 : 0;
  return shifted ? 1 : 2;
}

/** Whether the event comes from a place where typing goes to a field. */
export function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable === true);
}
