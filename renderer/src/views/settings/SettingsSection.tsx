/** One titled section of the Settings view, with an anchor the section index links to. */
import type { ReactNode } from 'react';

export type Report = (message: string) => void;

export function SettingsSection({ id, title, intro, children }: { id: string; title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section className="settings-block" id={`settings-${id}`} data-testid={`settings-${id}`} aria-labelledby={`settings-${id}-title`}>
      <h3 className="settings-section" id={`settings-${id}-title`}>
        {title}
      </h3>
      {intro && <p className="muted">{intro}</p>}
      {children}
    </section>
  );
}
