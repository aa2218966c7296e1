/** Kill switch and flatten-all confirmations: K / Shift+X asks, Enter confirms, Esc keeps things as they are. */
import { useState } from 'react';
import { api } from '../api/client';
import { runAction } from '../api/act';
import { currentAccount, useOrders } from '../stores/orders';
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
      <strong className={on ? 'up' : 'down'}>{on ? 'Turn the kill switch OFF and allow new orders?' : 'Turn the kill switch ON? New entries stop and open entry orders are cancelled; closes, stops and targets still run.'}</strong>
      <div className="muted">Enter to confirm · Esc to cancel</div>
      {error && <div className="error">{error}</div>}
    </Modal>
  );
}

/**
 * Flatten all (Shift+X in Orders, or the palette): every open position of the trading account
 * closed at market with reduce-only orders. Works with the kill switch on. Enter confirms, Esc
 * cancels; the answer says what happened to each close.
 */
export function FlattenDialog({ onClose }: { onClose: () => void }) {
  const positions = useOrders((s) => s.positions);
  const account = useOrders((s) => currentAccount(s));
  const killOn = useOrders((s) => s.status?.killSwitch.on ?? false);
  const mine = positions.filter((p) => p.accountId === account?.id);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ text: string; tone: string } | null>(null);
  const confirm = async () => {
    setBusy(true);
    await runAction(
      'Flatten all',
      () => api.call('positions.closeAll', { account: account?.id }),
      (text, tone) => setAnswer({ text, tone }),
      () => useOrders.getState().refresh(),
    );
  };
  return (
    <Modal
      label="Flatten all"
      role="alertdialog"
      onClose={onClose}
      className="ticket kill-dialog"
      backdropClassName="ticket-backdrop"
      backdropCloses={false}
      testid="flatten-dialog"
      onKeyDown={(e) => {
        if (e.key !== 'Enter') return;
        e.preventDefault();
        if (answer) onClose();
        else if (!busy) void confirm();
      }}
    >
      <strong className="down">
        Flatten all? Close {mine.length === 0 ? 'every open position' : `${mine.length} position${mine.length === 1 ? '' : 's'} (${mine.map((p) => p.symbol).join(', ')})`} on {account?.name ?? 'this account'} at market.
      </strong>
      {killOn && <div className="muted">The kill switch is on: closes are reduce-only and still run.</div>}
      {answer ? (
        <div className={`outcome-${answer.tone === 'ok' ? 'pending' : answer.tone}`} data-testid="flatten-result">
          {answer.text}
        </div>
      ) : (
        <div className="muted">Enter to confirm · Esc to cancel</div>
      )}
      {answer && <div className="muted">Enter or Esc to close</div>}
    </Modal>
  );
}
