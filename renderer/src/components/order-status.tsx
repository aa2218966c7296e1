/** Status bar: PAPER / LIVE for the trading account, and the kill switch state (K toggles). */
import { currentAccount, useOrders } from '../stores/orders';

export function OrderStatus() {
  const s = useOrders();
  const a = currentAccount(s);
  const ks = s.status?.killSwitch;
  const live = a?.kind === 'live';
  const equity = s.status?.accounts.find((x) => x.id === a?.id)?.equity;
  const stage = s.status?.accounts.find((x) => x.id === a?.id)?.stage;
  return (
    <>
      <span className={`badge ${live ? 'live' : 'paper'}`} data-testid="trading-mode" title={live ? `Live trading on ${a?.exchange}: real money` : 'Paper trading: simulated fills'}>
        {live ? 'LIVE' : 'PAPER'}
      </span>
      {equity && (
        <span data-testid="equity" title={a?.name}>
          Equity {Number(equity).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}
        </span>
      )}
      {stage && stage !== 'normal' && <span className="badge live">RISK {stage.toUpperCase()}</span>}
      <span className={ks?.on ? 'badge live' : 'muted'} data-testid="kill-switch" title={ks?.on ? (ks.reason ?? '') : 'Press K to stop all new orders'}>
        {ks?.on ? 'KILL SWITCH ON' : 'K: kill switch'}
      </span>
    </>
  );
}
