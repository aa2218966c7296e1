/** Settings → Appearance: dark / light theme and compact density, stored by the engine, applied at once. */
import { DENSITIES, THEMES, type AppearanceSettings } from '../../../../engine/api';
import { useSettings } from '../../stores/settings';
import { useAppearance } from '../../theme/appearance';
import { SettingsSection, type Report } from './SettingsSection';

const THEME_LABEL: Record<AppearanceSettings['theme'], string> = { dark: 'Dark', light: 'Light' };
const DENSITY_LABEL: Record<AppearanceSettings['density'], string> = { comfortable: 'Comfortable', compact: 'Compact' };

export function AppearanceSection({ report }: { report: Report }) {
  const update = useSettings((s) => s.update);
  const shown = useAppearance();
  const change = async (a: Partial<AppearanceSettings>, what: string) => {
    try {
      await update({ appearance: a });
      report(`${what}: saved`);
    } catch (e) {
      report(`${what}: not saved — ${(e as Error).message}`);
    }
  };
  return (
    <SettingsSection id="appearance" title="Appearance">
      <div className="settings-card settings-row">
        <fieldset className="settings-choice" data-testid="settings-theme">
          <legend>Theme</legend>
          {THEMES.map((t) => (
            <label key={t}>
              <input type="radio" name="theme" value={t} checked={shown.theme === t} onChange={() => void change({ theme: t }, `${THEME_LABEL[t]} theme`)} /> {THEME_LABEL[t]}
            </label>
          ))}
        </fieldset>
        <fieldset className="settings-choice" data-testid="settings-density">
          <legend>Density</legend>
          {DENSITIES.map((d) => (
            <label key={d}>
              <input type="radio" name="density" value={d} checked={shown.density === d} onChange={() => void change({ density: d }, `${DENSITY_LABEL[d]} density`)} /> {DENSITY_LABEL[d]}
            </label>
          ))}
        </fieldset>
      </div>
    </SettingsSection>
  );
}
