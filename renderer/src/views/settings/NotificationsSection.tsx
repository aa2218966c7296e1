/**
 * Settings → Notifications: popups on / off, sound, quiet hours (local time). The engine applies
 * them: quiet hours hold popups (stored and listed, one summary when they end) and Telegram alerts
 * below critical; an alert marked critical always reaches Telegram.
 */
import { useEffect, useState } from 'react';
import type { CommandInput } from '../../../../engine/api';
import { useSettings } from '../../stores/settings';
import { requestBrowserNotifications } from '../../stores/notifications';
import { SettingsSection, type Report } from './SettingsSection';

export function NotificationsSection({ report }: { report: Report }) {
  const { settings, update } = useSettings();
  const n = settings?.notifications;
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  useEffect(() => {
    if (!n) return;
    setStart(n.quietHours.start);
    setEnd(n.quietHours.end);
  }, [n?.quietHours.start, n?.quietHours.end]);
  if (!n) return <SettingsSection id="notifications" title="Notifications"><p className="muted">Loading the settings…</p></SettingsSection>;

  const change = async (u: CommandInput<'settings.update'>['notifications'], what: string) => {
    try {
      await update({ notifications: u });
      report(`${what}: saved`);
    } catch (e) {
      report(`${what}: not saved — ${(e as Error).message}`);
    }
  };
  const q = n.quietHours;
  const browser = typeof Notification !== 'undefined' && !window.signaldesk;
  return (
    <SettingsSection id="notifications" title="Notifications" intro="Every notification is stored and listed in the app; these decide how it pops up.">
      <div className="settings-card">
        <div className="settings-actions">
          <label className="inline">
            <input type="checkbox" checked={n.popups} onChange={(e) => void change({ popups: e.target.checked }, `Popups ${e.target.checked ? 'on' : 'off'}`)} data-testid="settings-popups" /> Show popups
          </label>
          <label className="inline">
            <input type="checkbox" checked={n.sound} disabled={!n.popups} onChange={(e) => void change({ sound: e.target.checked }, `Sound ${e.target.checked ? 'on' : 'off'}`)} data-testid="settings-sound" /> Sound with popups
          </label>
        </div>
        <form
          className="settings-actions"
          onSubmit={(e) => {
            e.preventDefault();
            void change({ quietHours: { start, end } }, `Quiet hours ${start}–${end}`);
          }}
        >
          <label className="inline">
            <input type="checkbox" checked={q.enabled} onChange={(e) => void change({ quietHours: { enabled: e.target.checked } }, `Quiet hours ${e.target.checked ? 'on' : 'off'}`)} data-testid="settings-quiet" /> Quiet hours from
          </label>
          <input type="time" aria-label="Quiet hours start (local time)" value={start} onChange={(e) => setStart(e.target.value)} data-testid="settings-quiet-start" required />
          <span>to</span>
          <input type="time" aria-label="Quiet hours end (local time)" value={end} onChange={(e) => setEnd(e.target.value)} data-testid="settings-quiet-end" required />
          <button className="btn" type="submit" disabled={start === q.start && end === q.end} data-testid="settings-quiet-save">
            Save hours
          </button>
        </form>
        <p className="muted">
          During quiet hours popups are held — stored and listed, shown as one summary when they end — and Telegram holds alerts below critical until then. An alert marked critical always reaches Telegram.
        </p>
        {browser && (
          <button className="btn" onClick={() => void requestBrowserNotifications().then((p) => report(`Browser notifications: ${p}`))}>
            Allow browser notifications
          </button>
        )}
      </div>
    </SettingsSection>
  );
}
