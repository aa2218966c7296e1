/**
 * Settings → Keyboard shortcuts: read from the one keyboard registry (what the ? help and the
 * command palette read) — the keys that work everywhere and those of every view opened so far.
 */
import { useMemo } from 'react';
import { VIEWS } from '../../stores/app';
import { allActions, useKeyboard } from '../../keyboard/registry';
import { ShortcutGroups, shortcutGroups } from '../../keyboard/shortcut-list';
import { SettingsSection } from './section';

const viewLabel = (scope: string | undefined): string => (scope === undefined ? 'everywhere' : `in ${VIEWS.find((v) => v.id === scope)?.label ?? scope}`);

export function ShortcutsSection() {
  const declared = useKeyboard((s) => s.declared);
  const groups = useMemo(() => shortcutGroups(allActions({ actions: declared })), [declared]);
  return (
    <SettingsSection id="shortcuts" title="Keyboard shortcuts" intro={<>The keys of the app, from the same registry as the help (press <kbd>?</kbd> in any view) and the command palette (<kbd>Ctrl+K</kbd>).</>}>
      <div className="settings-card shortcut-list" data-testid="settings-shortcuts">
        <ShortcutGroups groups={groups} scopeLabel={viewLabel} itemTestId="settings-shortcut-item" />
      </div>
      <p className="muted">A view&apos;s own keys are listed here once the view has been opened in this window.</p>
    </SettingsSection>
  );
}
