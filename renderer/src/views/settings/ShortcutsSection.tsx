/**
 * Settings → Keyboard shortcuts: every key of the app — the catalogue every action is declared in
 * (keyboard/catalogue.ts), with what the mounted components say of theirs now ("Buy BTC/USDT"),
 * and the view and timeframe keys the app declares from its lists.
 */
import { useMemo } from 'react';
import { VIEWS } from '../../stores/app';
import { allActions, useKeyboard, type KeyAction } from '../../keyboard/registry';
import { catalogueActions } from '../../keyboard/catalogue';
import { ShortcutGroups, shortcutGroups } from '../../keyboard/ShortcutGroups';
import { SettingsSection } from './SettingsSection';

const viewLabel = (scope: string | undefined): string => (scope === undefined ? 'everywhere' : `in ${VIEWS.find((v) => v.id === scope)?.label ?? scope}`);

/** The declared actions, then every catalogue entry not declared (yet): each id once. */
function withCatalogue(declared: KeyAction[]): KeyAction[] {
  const ids = new Set(declared.map((a) => a.id));
  return [...declared, ...catalogueActions().filter((a) => !ids.has(a.id))];
}

export function ShortcutsSection() {
  const declared = useKeyboard((s) => s.declared);
  const groups = useMemo(() => shortcutGroups(withCatalogue(allActions({ actions: declared }))), [declared]);
  return (
    <SettingsSection id="shortcuts" title="Keyboard shortcuts" intro={<>The keys of the app, from the same registry as the help (press <kbd>?</kbd> in any view) and the command palette (<kbd>Ctrl+K</kbd>).</>}>
      <div className="settings-card shortcut-list" data-testid="settings-shortcuts">
        <ShortcutGroups groups={groups} scopeLabel={viewLabel} itemTestId="settings-shortcut-item" />
      </div>
    </SettingsSection>
  );
}
