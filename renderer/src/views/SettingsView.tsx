/**
 * Settings: a short composition of sections (renderer/src/views/settings/*), each owning its
 * data and words. Add a section with one line here and one entry in SECTIONS.
 */
import { useState } from 'react';
import { AppearanceSection } from './settings/AppearanceSection';
import { NotificationsSection } from './settings/NotificationsSection';
import { ShortcutsSection } from './settings/ShortcutsSection';
import { DataSection } from './settings/DataSection';
import { DeliverySection } from './settings/DeliverySection';
import { AiProvidersSection } from './settings/AiProvidersSection';
import { RiskSection } from './settings/RiskSection';
import { BackupsSection } from './settings/BackupsSection';
import './settings.css';

const SECTIONS = [
  ['appearance', 'Appearance'],
  ['notifications', 'Notifications'],
  ['shortcuts', 'Shortcuts'],
  ['data', 'Data'],
  ['backups', 'Backups'],
  ['delivery', 'Delivery'],
  ['ai', 'AI providers'],
  ['risk', 'Risk & sizing'],
] as const;

export function SettingsView() {
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <div className="settings-view" data-testid="view-settings">
      <div className="settings-head">
        <h2>Settings</h2>
        <nav className="settings-index" aria-label="Settings sections">
          {SECTIONS.map(([id, label]) => (
            <a key={id} href={`#settings-${id}`} onClick={(e) => (e.preventDefault(), document.getElementById(`settings-${id}`)?.scrollIntoView({ block: 'start' }))}>
              {label}
            </a>
          ))}
        </nav>
        <div className="settings-msg" role="status" aria-live="polite" data-testid="settings-msg">
          {msg ?? ''}
        </div>
      </div>
      <AppearanceSection report={setMsg} />
      <NotificationsSection report={setMsg} />
      <ShortcutsSection />
      <DataSection report={setMsg} />
      <BackupsSection report={setMsg} />
      <DeliverySection report={setMsg} />
      <AiProvidersSection report={setMsg} />
      <RiskSection report={setMsg} />
    </div>
  );
}
