/**
 * The one keydown listener of the window. It asks the registry which action a key runs in the
 * current view and runs it — unless the key was already handled (a focused list's own keys, an
 * open dialog) or typing goes to a field. Also the shortcut help (?), read from the same registry.
 */
import { useEffect, useMemo } from 'react';
import { useApp } from '../stores/app';
import { isTyping } from './keys';
import { actionFor, actionsIn, allActions, useKeyActions, useKeyboard } from './registry';

export function KeyboardRoot() {
  const setPaletteOpen = useKeyboard((s) => s.setPaletteOpen);
  const setHelpOpen = useKeyboard((s) => s.setHelpOpen);
  const helpOpen = useKeyboard((s) => s.helpOpen);
  useKeyActions(
    'keyboard',
    [
      { id: 'keyboard.palette', group: 'Help', label: 'Command palette', keys: 'Ctrl+K', inFields: true, run: () => setPaletteOpen(!useKeyboard.getState().paletteOpen) },
      { id: 'keyboard.help', group: 'Help', label: 'Keyboard shortcuts', keys: '?', run: () => setHelpOpen(!useKeyboard.getState().helpOpen) },
    ],
    [setPaletteOpen, setHelpOpen],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const st = useKeyboard.getState();
      const a = actionFor(allActions(st), useApp.getState().view, e);
      if (!a) return;
      // Plain keys type into fields; a dialog (aria-modal) owns the keys while open, except
      // the palette's own toggle.
      if (isTyping(e.target) && !a.inFields) return;
      if (!a.inFields && document.querySelector('[aria-modal="true"]')) return;
      e.preventDefault();
      a.run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return helpOpen ? <ShortcutHelp onClose={() => setHelpOpen(false)} /> : null;
}

function ShortcutHelp({ onClose }: { onClose(): void }) {
  const registry = useKeyboard((s) => s.actions);
  const view = useApp((s) => s.view);
  const groups = useMemo(() => {
    const by = new Map<string, Array<{ id: string; label: string; keys: string }>>();
    for (const a of actionsIn(allActions({ actions: registry }), view)) {
      if (!a.keys) continue;
      const g = by.get(a.group) ?? [];
      if (!g.some((x) => x.keys === a.keys && x.label === a.label)) g.push({ id: a.id, label: a.label, keys: a.keys });
      by.set(a.group, g);
    }
    return [...by.entries()];
  }, [registry, view]);
  return (
    <div className="palette-backdrop" onMouseDown={onClose}>
      <div
        className="palette shortcut-help"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="shortcut-help"
        tabIndex={-1}
        ref={(el) => el?.focus()}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape' || e.key === '?') onClose();
        }}
      >
        <h3>Keyboard shortcuts</h3>
        {groups.map(([group, items]) => (
          <section key={group}>
            <h4 className="muted">{group}</h4>
            <ul>
              {items.map((a) => (
                <li key={a.id} data-testid="shortcut-item">
                  <kbd>{a.keys}</kbd> <span>{a.label}</span>
                </li>
              ))}
            </ul>
          </section>
        ))}
        <div className="muted">Esc to close · Ctrl+K for the command palette</div>
      </div>
    </div>
  );
}
