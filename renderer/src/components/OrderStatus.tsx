/** Status bar: PAPER / LIVE for the trading account, and the kill switch state (K toggles). */
import { currentAccount, useOrders } from '../stores/orders';

const STAGE_LABEL = { normal: '', paused: 'DRAWDOWN: ENTRIES PAUSED', reduced: 'DRAWDOWN: POSITIONS HALVED', closed: 'DRAWDOWN: ALL CLOSED' } as const;

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
      {stage && stage !== 'normal' && (
        <span className="badge live" data-testid="risk-stage" data-stage={stage} title="Drawdown from this month's equity peak: entries pause at the limit, positions are halved at 1.5×, everything closes at 2×">
          {STAGE_LABEL[stage]}
        </span>
      )}
      <span className={ks?.on ? 'badge live' : 'muted'} data-testid="kill-switch" title={ks?.on ? (ks.reason ?? '') : 'Press K to stop all new orders'}>
        {ks?.on ? 'KILL SWITCH ON' : 'K: kill switch'}
      </span>
    </>
  );
}
