/** Settings → Delivery: the Telegram relay, webhooks, delivery metrics and log. */
import { TelegramPanel } from '../../components/delivery/TelegramPanel';
import { WebhooksPanel } from '../../components/delivery/WebhooksPanel';
import { DeliveryLogTable } from '../../components/delivery/DeliveryLogTable';
import { DeliveryMetricsPanel } from '../../components/delivery/DeliveryMetricsPanel';
import { SettingsSection, type Report } from './SettingsSection';

export function DeliverySection({ report }: { report: Report }) {
  return (
    <SettingsSection id="delivery" title="Delivery" intro="Where signals, FAILED orders, drawdown stages and kill-switch changes go besides the desktop. A channel chooses its targets in the channel editor.">
      <div className="settings-cols">
        <TelegramPanel report={report} />
        <WebhooksPanel report={report} />
      </div>
      <DeliveryMetricsPanel />
      <DeliveryLogTable />
    </SettingsSection>
  );
}
