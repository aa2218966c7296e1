/**
 * The one keydown listener of the window. It asks the registry which action a key runs in the
 * current view and runs it — unless the key was already handled (a focused list's own keys, an
 * open dialog) or typing goes to a field. Also the shortcut help (?), read from the same registry.
 */
import { useEffect, useMemo } from 'react';
import { useApp } from '../stores/app';
import { isTyping } from './keys';
import { actionFor, actionsIn, allActions, useKeyActions, useKeyboard } from './registry';
import { keyAction } from './catalogue';
import { ShortcutGroups, shortcutGroups } from './ShortcutGroups';

export function KeyboardRoot() {
  const setPaletteOpen = useKeyboard((s) => s.setPaletteOpen);
  const setHelpOpen = useKeyboard((s) => s.setHelpOpen);
  const helpOpen = useKeyboard((s) => s.helpOpen);
  useKeyActions(
    'keyboard',
    [
      keyAction('keyboard.palette', () => setPaletteOpen(!useKeyboard.getState().paletteOpen)),
      keyAction('keyboard.help', () => setHelpOpen(!useKeyboard.getState().helpOpen)),
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
  const groups = useMemo(() => shortcutGroups(actionsIn(allActions({ actions: registry }), view)), [registry, view]);
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
        <ShortcutGroups groups={groups} />
        <div className="muted">Esc to close · Ctrl+K for the command palette</div>
      </div>
    </div>
  );
}
