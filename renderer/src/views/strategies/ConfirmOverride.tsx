/**
 * The engine's refusal of the live-autopilot promotion rule, shown with its numbers (each
 * strategy's tracked outcomes and expectancy), and the typed confirmation that overrides it.
 */
import { useState } from 'react';
import { ApiError, AUTOPILOT_PROMOTION_CONFIRMATION, type PromotionStrategy } from '../../../../engine/api';
import { pct } from './format';

/** The promotion refusal inside an engine error, or null for any other error. */
export function promotionRefusal(e: unknown): { message: string; strategies: PromotionStrategy[]; reasonCode: string } | null {
  if (!(e instanceof ApiError) || e.code !== 'UNPROCESSABLE') return null;
  const d = e.details as { reasonCode?: unknown; strategies?: unknown; confirm?: unknown } | undefined;
  if (!d || d.confirm !== AUTOPILOT_PROMOTION_CONFIRMATION || !Array.isArray(d.strategies)) return null;
  return { message: e.message, strategies: d.strategies as PromotionStrategy[], reasonCode: String(d.reasonCode) };
}

export function PromotionNumbers({ strategies }: { strategies: PromotionStrategy[] }) {
  return (
    <table className="grid strat-promo-table" data-testid="promotion-numbers">
      <thead>
        <tr>
          <th>Strategy</th><th>Tracked outcomes</th><th>Expectancy</th><th>Rule</th>
        </tr>
      </thead>
      <tbody>
        {strategies.map((s) => (
          <tr key={s.strategy}>
            <td>{s.strategy}{s.paused ? <span className="muted"> (paused)</span> : null}</td>
            <td>{s.outcomes}</td>
            <td className={s.expectancyPct === null ? '' : s.expectancyPct > 0 ? 'up' : 'down'}>{pct(s.expectancyPct)}</td>
            <td className={s.ok ? 'up' : 'down'}>{s.ok ? 'holds' : s.reasonCode === 'TOO_FEW_OUTCOMES' ? 'too few outcomes' : 'expectancy not positive'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A refusal with its numbers and a field for the typed confirmation; `onConfirm` retries with it. */
export function ConfirmOverride({ refusal, action, onConfirm, busy }: { refusal: NonNullable<ReturnType<typeof promotionRefusal>>; action: string; onConfirm: (confirm: string) => void; busy?: boolean }) {
  const [typed, setTyped] = useState('');
  const ok = typed === AUTOPILOT_PROMOTION_CONFIRMATION;
  return (
    <div className="strat-refusal" role="alert" data-testid="promotion-refusal" data-reason={refusal.reasonCode}>
      <div className="error">{refusal.message}</div>
      <PromotionNumbers strategies={refusal.strategies} />
      <label className="strat-confirm">
        Type <code>{AUTOPILOT_PROMOTION_CONFIRMATION}</code> to {action} anyway
        <input
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && ok) {
              e.preventDefault();
              onConfirm(typed);
            }
          }}
          aria-label="Typed confirmation"
          data-testid="promotion-confirm"
        />
      </label>
      <button className="btn danger" disabled={!ok || busy} onClick={() => onConfirm(typed)} data-testid="promotion-confirm-go">
        {action} anyway
      </button>
    </div>
  );
}
