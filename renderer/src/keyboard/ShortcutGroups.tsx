/**
 * Shortcuts grouped for reading, from the registry: the help overlay (?) shows the current
 * view's, the Settings view every one declared in this session. One grouping, one rendering.
 */
import type { KeyAction } from './registry';

export interface ShortcutRow {
  id: string;
  label: string;
  keys: string;
  scope?: string;
}

/** Actions with a key, by group in first-seen order; one row per (keys, label, scope). */
export function shortcutGroups(actions: readonly KeyAction[]): Array<[string, ShortcutRow[]]> {
  const by = new Map<string, ShortcutRow[]>();
  for (const a of actions) {
    if (!a.keys) continue;
    const g = by.get(a.group) ?? [];
    if (!g.some((x) => x.keys === a.keys && x.label === a.label && x.scope === a.scope)) g.push({ id: a.id, label: a.label, keys: a.keys, scope: a.scope });
    by.set(a.group, g);
  }
  return [...by.entries()];
}

export function ShortcutGroups({ groups, scopeLabel, itemTestId = 'shortcut-item' }: { groups: Array<[string, ShortcutRow[]]>; scopeLabel?: (scope: string | undefined) => string; itemTestId?: string }) {
  return (
    <>
      {groups.map(([group, items]) => (
        <section key={group}>
          <h4 className="muted">{group}</h4>
          <ul>
            {items.map((a) => (
              <li key={`${a.id}|${a.scope ?? ''}`} data-testid={itemTestId} data-keys={a.keys} data-label={a.label}>
                <kbd>{a.keys}</kbd> <span>{a.label}</span>
                {scopeLabel && <span className="muted shortcut-scope"> · {scopeLabel(a.scope)}</span>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
