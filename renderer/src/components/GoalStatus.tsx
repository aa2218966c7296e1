/** Status bar: the worst goal status of the default account ("Goals: at risk"); click opens the Goals view. */
import { useEffect } from 'react';
import { useApp } from '../stores/app';
import { STATUS_LABEL, useGoalsBar, worstStatus } from '../stores/goals';

export function GoalStatus() {
  const { statuses, refresh } = useGoalsBar();
  const setView = useApp((s) => s.setView);
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), 5000);
    return () => clearInterval(t);
  }, [refresh]);
  const worst = worstStatus(statuses);
  if (!worst) return null;
  const counts = statuses.map((s) => `${s.label}: ${STATUS_LABEL[s.status]}`).join(' · ');
  return (
    <button className="goal-status-bar" onClick={() => setView('goals')} title={`Worst goal status of the default account — ${counts}`} data-testid="goals-worst" data-status={worst}>
      Goals <span className={`goal-badge status-${worst}`}>{STATUS_LABEL[worst]}</span>
    </button>
  );
}
