/** Kill switch confirmation: K asks, Enter confirms, Esc keeps things as they are. */
import { useState } from 'react';
import { api } from '../api/client';
import { useOrders } from '../stores/orders';
import { Modal } from './Modal';

export function KillSwitchDialog({ onClose }: { onClose: () => void }) {
  const on = useOrders((s) => s.status?.killSwitch.on ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    try {
      const st = await api.call('system.killSwitch', on ? { on: false } : { on: true, reason: 'kill switch from the keyboard', cancelOpen: true });
      useOrders.setState((s) => (s.status ? { status: { ...s.status, killSwitch: { on: st.on, reason: st.reason, at: st.at } } } : {}));
      void useOrders.getState().refresh();
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal
      label="Kill switch"
      role="alertdialog"
      onClose={onClose}
      className="ticket kill-dialog"
      backdropClassName="ticket-backdrop"
      backdropCloses={false}
      testid="kill-dialog"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !busy) {
          e.preventDefault();
          void confirm();
        }
      }}
    >
        <strong className={on ? 'up' : 'down'}>{on ? 'Turn the kill switch OFF and allow new orders?' : 'Turn the kill switch ON? Every new order stops, open orders are cancelled.'}</strong>
        <div className="muted">Enter to confirm · Esc to cancel</div>
        {error && <div className="error">{error}</div>}
    </Modal>
  );
}
