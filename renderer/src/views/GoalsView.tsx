/**
 * Goals: a card per goal (progress coloured by status), the selected goal's daily snapshots
 * against its expected path, the sizing factor and stance with the adjustment log.
 * Keyboard: N new goal · ←/→ (or ↑/↓) move between cards · E or Enter edit · Delete remove.
 */
import { useEffect, useState } from 'react';
import type { Goal } from '../../../engine/api';
import { api } from '../api/client';
import { currentAccount, useOrders } from '../stores/orders';
import { useGoals } from '../stores/goals';
import { useKeyActions } from '../keyboard/registry';
import { keyAction } from '../keyboard/catalogue';
import { nextIndex } from '../keyboard/use-list-selection';
import { GoalCard } from './goals/GoalCard';
import { GoalChart } from './goals/GoalChart';
import { DeleteGoalDialog, GoalDialog, type GoalDraft } from './goals/GoalDialog';
import { TYPE_LABEL, money } from './goals/format';
import { GoalSizingPanel } from './goals/GoalSizingPanel';
import './goals.css';

type Dialog = { kind: 'create' } | { kind: 'edit'; goal: Goal } | { kind: 'delete'; goal: Goal } | null;

export function GoalsView() {
  const { goals, statuses, sizing, adjustments, sized, selected, history, error, refresh, select } = useGoals();
  const orders = useOrders();
  const account = currentAccount(orders);
  const accountId = account?.id ?? null;
  const quote = account?.quoteCurrency ?? 'USDT';
  const [dialog, setDialog] = useState<Dialog>(null);
  const [msg, setMsg] = useState<string | null>(null);
  /** The card that gets focus back once it is on screen (after a dialog closes). */
  const [focusId, setFocusId] = useState<number | null>(null);
  useEffect(() => {
    if (focusId === null || dialog) return;
    const el = document.querySelector<HTMLElement>(`[data-testid="goal-card"][data-goal="${focusId}"]`);
    if (el) {
      el.focus();
      setFocusId(null);
    }
  }, [focusId, statuses, dialog]);

  useEffect(() => {
    void refresh(accountId);
    // Engine time moves on its own (fast on the sim): status, pace and days left follow it.
    const t = setInterval(() => void refresh(accountId), 1500);
    return () => clearInterval(t);
  }, [refresh, accountId]);

  useKeyActions('goals', [keyAction('goals.new', () => setDialog({ kind: 'create' }))], []);

  const focusCard = (i: number) => document.querySelectorAll<HTMLElement>('[data-testid="goal-card"]')[i]?.focus();
  const onCardKey = (i: number, g: Goal) => (e: React.KeyboardEvent) => {
    const k = e.key;
    const next = e.ctrlKey || e.metaKey || e.altKey ? null : nextIndex(k === 'ArrowRight' ? 'ArrowDown' : k === 'ArrowLeft' ? 'ArrowUp' : k, i, statuses.length);
    if (next !== null) focusCard(next);
    else if (k === 'e' || k === 'E' || k === 'Enter') setDialog({ kind: 'edit', goal: g });
    else if (k === 'Delete' || k === 'Backspace') setDialog({ kind: 'delete', goal: g });
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const done = (m: string, focus: number | null) => {
    setMsg(m);
    setDialog(null);
    setFocusId(focus);
    void refresh(accountId);
    return null;
  };
  const refused = (e: unknown) => (e as Error).message;
  const create = async (d: GoalDraft) => {
    try {
      const g = await api.call('goals.create', { account: accountId ?? undefined, ...d });
      select(g.id);
      return done(`Goal created: ${g.label}, ${money(g.target, g.type, quote)}`, g.id);
    } catch (e) {
      return refused(e);
    }
  };
  const update = (goal: Goal) => async (d: GoalDraft) => {
    try {
      const g = await api.call('goals.update', { id: goal.id, target: d.target, label: d.label, deadline: d.deadline });
      return done(`Goal updated: ${g.label}, ${money(g.target, g.type, quote)}`, g.id);
    } catch (e) {
      return refused(e);
    }
  };
  const remove = (goal: Goal) => async () => {
    try {
      await api.call('goals.delete', { id: goal.id });
      return done(`Goal deleted: ${goal.label}`, statuses.find((s) => s.id !== goal.id)?.id ?? null);
    } catch (e) {
      return refused(e);
    }
  };

  const sel = statuses.find((s) => s.id === selected);
  const close = () => {
    setFocusId(dialog && dialog.kind !== 'create' ? dialog.goal.id : selected);
    setDialog(null);
  };
  return (
    <div className="goals-view" data-testid="view-goals">
      <div className="orders-head">
        <h2>Goals</h2>
        <span className="muted">{account ? `${account.name} (${account.kind})` : ''} · N new goal · ←→ move · E edit · Delete remove</span>
        <button className="btn primary" onClick={() => setDialog({ kind: 'create' })} data-testid="goal-new">New goal <kbd>N</kbd></button>
        {msg && <span className="muted" data-testid="goals-msg">{msg}</span>}
        {error && <span className="error">{error}</span>}
      </div>
      <div className="goal-cards">
        {statuses.length === 0 && <p className="muted">No goals on this account yet. Press N to set one: a monthly return, a monthly income or a portfolio value.</p>}
        {statuses.map((s, i) => {
          const g = goals.find((x) => x.id === s.id);
          return g ? <GoalCard key={s.id} s={s} quote={quote} selected={s.id === selected} onSelect={() => s.id !== selected && select(s.id)} onKey={onCardKey(i, g)} /> : null;
        })}
      </div>
      <div className="goals-bottom">
        <section className="goal-history">
          <h3>{sel ? `${sel.label}: daily snapshots against the expected path` : 'History'}</h3>
          {sel && <p className="muted">{TYPE_LABEL[sel.type]} · period {new Date(sel.periodStart).toISOString().slice(0, 10)} → {new Date(sel.periodEnd).toISOString().slice(0, 10)}</p>}
          <GoalChart history={history} status={sel} />
        </section>
        <GoalSizingPanel sizing={sizing} adjustments={adjustments} sized={sized} account={account} report={setMsg} refresh={() => void refresh(accountId)} />
      </div>
      {dialog?.kind === 'create' && <GoalDialog goal={null} quote={quote} onSave={create} onClose={close} />}
      {dialog?.kind === 'edit' && <GoalDialog goal={dialog.goal} quote={quote} onSave={update(dialog.goal)} onClose={close} />}
      {dialog?.kind === 'delete' && <DeleteGoalDialog goal={dialog.goal} onConfirm={remove(dialog.goal)} onClose={close} />}
    </div>
  );
}
