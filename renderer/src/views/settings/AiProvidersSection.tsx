/** Settings → AI providers: the same panel as the Inbound view's. */
import { AiProvidersPanel } from '../../components/AiProvidersPanel';
import { SettingsSection, type Report } from './SettingsSection';

export function AiProvidersSection({ report }: { report: Report }) {
  return (
    <SettingsSection id="ai" title="AI providers" intro="OpenAI-compatible endpoints that give inbound signals a second opinion (a source chooses advise or gate in the Inbound view).">
      <div className="settings-card">
        <AiProvidersPanel report={report} />
      </div>
    </SettingsSection>
  );
}
