/**
 * Autopilot of the selected row's channel and the promotion rule (strategies.promotion): which
 * account autopilot trades, each trading strategy's tracked outcomes and expectancy, and
 * Enable / Disable autopilot. The engine decides; a refusal shows its numbers and takes the
 * typed confirmation.
 */
import { useEffect, useState } from 'react';
import type { PromotionCheck, StrategyChannelRow } from '../../../../engine/api';
import { api } from '../../api/client';
import { ConfirmOverride, PromotionNumbers, promotionRefusal } from './ConfirmOverride';

export function PromotionPanel({ row, onChanged }: { row: StrategyChannelRow; onChanged: (text: string) => void }) {
  const [check, setCheck] = useState<PromotionCheck | null>(null);
  const [refusal, setRefusal] = useState<ReturnType<typeof promotionRefusal>>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setRefusal(null);
    setError(null);
    api.call('strategies.promotion', { channel: row.channelId }).then(
      (c) => live && setCheck(c),
      (e: unknown) => live && setError((e as Error).message),
    );
    return () => {
      live = false;
    };
  }, [row.channelId, row.autopilot, row.paused, row.live.outcomes]);

  const setAutopilot = async (on: boolean, confirm?: string) => {
    setBusy(true);
    setError(null);
    try {
      await api.call('signals.channels.update', { id: row.channelId, autopilot: on, ...(confirm ? { confirm } : {}) });
      setRefusal(null);
      onChanged(`Autopilot ${on ? 'enabled' : 'disabled'} on ${row.channelName}${confirm ? ' (promotion rule overridden by typed confirmation)' : ''}`);
    } catch (e) {
      const r = promotionRefusal(e);
      if (r) setRefusal(r);
      else setError(`Autopilot change refused: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const account = check?.account;
  return (
    <section className="strat-promo" data-testid="promotion-panel">
      <h4>Autopilot</h4>
      <div>
        {row.channelName}: autopilot <b data-testid="autopilot-state">{row.autopilot ? 'ON' : 'off'}</b>
        {account && (
          <span className="muted">
            {' '}
            · trades the {account.kind} account {account.name}
          </span>
        )}
      </div>
      {check && (
        <>
          <div className={check.reasonCode === 'PROMOTION_OK' ? 'up' : check.allowed ? 'muted' : 'down'} data-testid="promotion-verdict" data-reason={check.reasonCode}>
            {check.reasonCode === 'NOT_LIVE_ACCOUNT'
              ? `Paper account: the live promotion rule (${check.minOutcomes} tracked outcomes, positive expectancy) does not apply.`
              : check.allowed
                ? `Promotion rule holds: every trading strategy has ${check.minOutcomes}+ tracked outcomes with positive expectancy.`
                : `Not promoted yet: live autopilot needs ${check.minOutcomes} tracked outcomes with positive expectancy per strategy.`}
          </div>
          <PromotionNumbers strategies={check.strategies} />
        </>
      )}
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {refusal ? (
        <ConfirmOverride refusal={refusal} action="enable live autopilot" busy={busy} onConfirm={(c) => void setAutopilot(true, c)} />
      ) : (
        <button className={`btn${row.autopilot ? '' : ' primary'}`} disabled={busy} onClick={() => void setAutopilot(!row.autopilot)} data-testid="autopilot-toggle">
          {row.autopilot ? 'Disable autopilot' : 'Enable autopilot'}
        </button>
      )}
    </section>
  );
}
