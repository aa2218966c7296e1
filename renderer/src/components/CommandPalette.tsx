/**
 * Ctrl+K (⌘K): the command palette. Lists every action of the keyboard registry with its direct
 * key; type to filter, ↑/↓ to choose, Enter to run, Esc to close. (Ctrl+K itself is a registry
 * action, declared in KeyboardRoot.)
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { allActions, filterActions, useKeyboard } from '../keyboard/registry';

export function CommandPalette() {
  const open = useKeyboard((s) => s.paletteOpen);
  const setOpen = useKeyboard((s) => s.setPaletteOpen);
  return open ? <Palette onClose={() => setOpen(false)} /> : null;
}

function Palette({ onClose }: { onClose(): void }) {
  const registry = useKeyboard((s) => s.actions);
  const actions = useMemo(() => allActions({ actions: registry }), [registry]);
  const [query, setQuery] = useState('');
  const [sel, setSel] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => filterActions(actions, query), [actions, query]);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => setSel(0), [query]);

  const run = (i: number) => {
    const a = shown[i];
    if (!a) return;
    onClose();
    // After the palette is gone, so the action's own dialogs take the focus.
    setTimeout(() => a.run(), 0);
  };

  return (
    <div className="palette-backdrop" onMouseDown={onClose}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" data-testid="palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={input}
          value={query}
          placeholder="Type a command…"
          aria-label="Command"
          data-testid="palette-input"
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' || ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k')) onClose();
            else if (e.key === 'ArrowDown') setSel((s) => Math.min(shown.length - 1, s + 1));
            else if (e.key === 'ArrowUp') setSel((s) => Math.max(0, s - 1));
            else if (e.key === 'Enter') run(sel);
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <ul role="listbox" data-testid="palette-list">
          {shown.length === 0 && <li className="muted">No matching command</li>}
          {shown.map((a, i) => (
            <li
              key={a.id}
              role="option"
              aria-selected={i === sel}
              className={i === sel ? 'sel' : undefined}
              data-testid="palette-item"
              onMouseEnter={() => setSel(i)}
              onClick={() => run(i)}
            >
              <span className="muted palette-group">{a.group}</span>
              <span className="palette-label">{a.label}</span>
              {a.keys && <kbd>{a.keys}</kbd>}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
