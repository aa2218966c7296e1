/** The sizing factor and drawdown stance of the account, its goal-sizing switch, and the adjustment log. */
import { useState } from 'react';
import { GOAL_SIZING_CONFIRMATION, type Account, type GoalAdjustment, type GoalSizing, type OrderIntent } from '../../../../engine/api';
import { api } from '../../api/client';

const time = (ts: number) => new Date(ts).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export function GoalSizingPanel({ sizing, adjustments, sized, account, report, refresh }: { sizing: GoalSizing | null; adjustments: GoalAdjustment[]; sized: OrderIntent[]; account: Account | undefined; report: (m: string) => void; refresh: () => void }) {
  const [confirmLive, setConfirmLive] = useState(false);
  if (!sizing) return null;
  const i = sizing.inputs;
  const set = async (enabled: boolean, confirm?: string) => {
    try {
      await api.call('risk.update', { account: sizing.accountId, limits: { goalSizing: { enabled, min: i.min, max: i.max } }, confirm });
      report(`Goal sizing turned ${enabled ? 'on' : 'off'} for ${account?.name ?? 'this account'}`);
    } catch (e) {
      report(`Refused: ${(e as Error).message}`);
    }
    setConfirmLive(false);
    refresh();
  };
  const toggle = () => {
    if (!i.enabled && account?.kind === 'live') setConfirmLive(true);
    else void set(!i.enabled);
  };
  return (
    <section className="goal-sizing" data-testid="goal-sizing">
      <h3>Sizing and stance</h3>
      <div className="goal-sizing-row">
        <span className={`goal-factor ${sizing.factor > 1 ? 'up' : sizing.factor < 1 ? 'warn' : ''}`} data-testid="goal-factor">
          Sizing ×{sizing.factor}
        </span>
        <span className="muted">{sizing.rule === 0 ? '' : `rule ${sizing.rule}: `}{sizing.reason}</span>
      </div>
      <div className="goal-sizing-row">
        <span className={sizing.stance === 'protective' ? 'badge live' : 'muted'} data-testid="goal-stance" data-stance={sizing.stance}>
          {sizing.stance === 'protective' ? 'PROTECTIVE STANCE' : 'Normal stance'}
        </span>
        <span className="muted">
          drawdown limit {i.drawdownLimitPct} %{sizing.stance === 'protective' ? ` (instead of ${i.maxDrawdownPct} %)` : ''} · risk stage {i.riskStage}
        </span>
      </div>
      <label className="goal-switch">
        <input type="checkbox" checked={i.enabled} onChange={toggle} data-testid="goal-sizing-enabled" /> Goal-aware sizing of signal orders ({i.min}×–{i.max}×)
        {account?.kind === 'live' && <span className="muted"> — live account: off unless you turn it on</span>}
      </label>
      {confirmLive && (
        <div className="goal-confirm" role="alertdialog" aria-label="Confirm goal sizing on a live account" onKeyDown={(e) => e.key === 'Escape' && setConfirmLive(false)}>
          <p>Goal sizing will change the size of real-money orders on {account?.name} between {i.min}× and {i.max}×.</p>
          <button className="btn danger" autoFocus onClick={() => void set(true, GOAL_SIZING_CONFIRMATION)}>Turn on for this live account</button>{' '}
          <button className="btn" onClick={() => setConfirmLive(false)}>Keep off</button>
        </div>
      )}
      <h3>Adjustment log</h3>
      <table className="grid" data-testid="goal-adjustments">
        <tbody>
          {adjustments.length === 0 && (
            <tr><td className="muted wrap">No adjustments yet: sizing has stayed at ×1 and the stance normal.</td></tr>
          )}
          {adjustments.map((a) => (
            <tr key={a.id} data-testid="goal-adjustment">
              <td className="muted">{time(a.ts)}</td>
              <td className="wrap">{a.sentence}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="goal-sized-head">Signal orders sized by goals</h3>
      <table className="grid" data-testid="goal-sized">
        <tbody>
          {sized.length === 0 && (
            <tr><td className="muted wrap">No signal orders yet: autopilot and Execute orders show their factor here.</td></tr>
          )}
          {sized.map((i) => (
            <tr key={i.id} data-testid="goal-sized-intent">
              <td className="muted">{time(i.createdAt)}</td>
              <td>{i.side} {i.amount ?? ''} {i.symbol}</td>
              <td className={(i.sizingFactor ?? 1) > 1 ? 'up' : (i.sizingFactor ?? 1) < 1 ? 'warn' : ''}>×{i.sizingFactor}</td>
              <td className="wrap muted">{i.sizingReason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
