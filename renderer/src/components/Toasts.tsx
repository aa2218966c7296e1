import { useNotifications } from '../stores/notifications';

export function Toasts() {
  const { toasts, dismiss, run } = useNotifications();
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="region" aria-label="Notifications" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.key} className={`toast toast-${t.severity}`} role="status" data-testid="toast">
          <div className="toast-head">
            <strong>{t.title}</strong>
            <button className="toast-x" aria-label="Dismiss" onClick={() => dismiss(t.key)}>
              ×
            </button>
          </div>
          <div className="toast-body">{t.body}</div>
          {t.actions.length > 0 && (
            <div className="toast-actions">
              {t.actions.map((a) => (
                <button key={a.id} onClick={() => void run(t.key, a)} data-testid={`toast-action-${a.id}`}>
                  {a.label}
                </button>
              ))}
            </div>
          )}
          {t.status && (
            <div className={`toast-status outcome-${t.tone === 'ok' ? 'pending' : (t.tone ?? 'pending')}`} data-testid="toast-status" data-tone={t.tone}>
              {t.status}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
