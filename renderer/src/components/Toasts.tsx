import { useNotifications } from '../stores/notifications';
import { SizePreview, useSignalPreview } from './SizePreview';

/** The size Execute would place, on a signal popup that offers Execute. */
function ToastPreview({ id }: { id: number }) {
  const { preview, error } = useSignalPreview(id);
  return <SizePreview preview={preview} error={error} compact />;
}

const executeId = (actions: Array<{ command: string; input: unknown }>): number | null => {
  const a = actions.find((x) => x.command === 'signals.execute');
  const id = (a?.input as { id?: unknown } | null)?.id;
  return typeof id === 'number' ? id : null;
};

export function Toasts() {
  const { toasts, dismiss, run, hold } = useNotifications();
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="region" aria-label="Notifications" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.key} className={`toast toast-${t.severity}`} role="status" data-testid="toast" onMouseEnter={() => hold(t.key)} onMouseLeave={() => hold(null)}>
          <div className="toast-head">
            <strong>{t.title}</strong>
            <button className="toast-x" aria-label="Dismiss" onClick={() => dismiss(t.key)}>
              ×
            </button>
          </div>
          <div className="toast-body">{t.body}</div>
          {executeId(t.actions) !== null && !t.status && <ToastPreview id={executeId(t.actions)!} />}
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
