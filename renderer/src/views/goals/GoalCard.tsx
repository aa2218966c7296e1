/** One goal: progress bar coloured by status, badge, current vs target, what remains, days left, pace, required daily return. */
import type { GoalStatus } from '../../../../engine/api';
import { STATUS_LABEL } from '../../stores/goals';
import { TYPE_LABEL, money, pace, remaining, required } from './format';

export function GoalCard({ s, quote, selected, onSelect, onKey }: { s: GoalStatus; quote: string; selected: boolean; onSelect: () => void; onKey: (e: React.KeyboardEvent) => void }) {
  const width = Math.max(0, Math.min(100, s.progressPct));
  return (
    <div
      className={`goal-card status-${s.status}${selected ? ' sel' : ''}`}
      tabIndex={0}
      role="button"
      aria-pressed={selected}
      aria-label={`${s.label}: ${STATUS_LABEL[s.status]}`}
      data-testid="goal-card"
      data-goal={s.id}
      data-status={s.status}
      onClick={onSelect}
      onFocus={onSelect}
      onKeyDown={onKey}
    >
      <div className="goal-card-head">
        <strong data-testid="goal-card-label">{s.label}</strong>
        <span className={`goal-badge status-${s.status}`} data-testid="goal-status">{STATUS_LABEL[s.status]}</span>
      </div>
      <div className="muted goal-type">{s.label === TYPE_LABEL[s.type] ? '\u00a0' : TYPE_LABEL[s.type]}</div>
      <div className="goal-bar" title={`${s.progressPct.toFixed(1)} % of target`}>
        <div className={`goal-bar-fill status-${s.status}`} style={{ width: `${width}%` }} data-testid="goal-progress" data-pct={s.progressPct.toFixed(1)} />
      </div>
      <div className="goal-figures">
        <span data-testid="goal-current">{money(s.current, s.type, quote)}</span>
        <span className="muted"> of </span>
        <span data-testid="goal-target-value">{money(s.target, s.type, quote)}</span>
        <span className="muted"> · {s.progressPct.toFixed(1)} %</span>
      </div>
      <dl className="goal-stats">
        <dt>Remaining</dt>
        <dd>{remaining(s, quote)}</dd>
        <dt>Days left</dt>
        <dd data-testid="goal-days-left">{s.daysLeft}</dd>
        <dt>Expected by now</dt>
        <dd>{money(s.expected, s.type, quote)}</dd>
        <dt>Pace</dt>
        <dd data-testid="goal-pace">{pace(s.pace)}</dd>
        <dt>Required daily return</dt>
        <dd data-testid="goal-required">{required(s.requiredDailyReturnPct)}</dd>
      </dl>
    </div>
  );
}
