/** Settings: the Delivery section (Telegram relay, webhooks, delivery log, metrics). */
import { useState } from 'react';
import { TelegramPanel } from '../components/delivery/TelegramPanel';
import { WebhooksPanel } from '../components/delivery/WebhooksPanel';
import { DeliveryLogTable } from '../components/delivery/DeliveryLogTable';
import { DeliveryMetricsPanel } from '../components/delivery/DeliveryMetricsPanel';
import { BackupsSection } from './settings/backups-section';
import './settings.css';

export function SettingsView() {
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <div className="settings-view" data-testid="view-settings">
      <div className="settings-head">
        <h2>Settings</h2>
        <div className="settings-msg" role="status" aria-live="polite" data-testid="settings-msg">
          {msg ?? ''}
        </div>
      </div>
      <h3 className="settings-section">Delivery</h3>
      <p className="muted">Where signals, FAILED orders, drawdown stages and kill-switch changes go besides the desktop. A channel chooses its targets in the channel editor.</p>
      <div className="settings-cols">
        <TelegramPanel report={setMsg} />
        <WebhooksPanel report={setMsg} />
      </div>
      <DeliveryMetricsPanel />
      <DeliveryLogTable />
      <BackupsSection report={setMsg} />
    </div>
  );
}
