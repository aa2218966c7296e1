/**
 * Create / edit / delete dialogs for goals, fully usable by keyboard: focus starts in the first
 * field, Tab stays inside, Enter saves, Escape closes. The engine's refusal is shown as it is
 * and the dialog stays open.
 */
import { useEffect, useRef, useState } from 'react';
import { GOAL_TYPES, type Goal, type GoalType } from '../../../../engine/api';
import { TYPE_LABEL, unitOf } from './format';

function trapTab(e: React.KeyboardEvent, root: HTMLElement | null): void {
  if (e.key !== 'Tab' || !root) return;
  const els = [...root.querySelectorAll<HTMLElement>('input, select, button, [tabindex="0"]')].filter((x) => !x.hasAttribute('disabled'));
  if (els.length === 0) return;
  const first = els[0]!;
  const last = els[els.length - 1]!;
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}

const toDay = (ts: number | null): string => (ts ? new Date(ts).toISOString().slice(0, 10) : '');
const fromDay = (d: string): number | undefined => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T00:00:00Z`) : undefined);

export interface GoalDraft {
  type: GoalType;
  target: number;
  label?: string;
  deadline?: number;
}

export function GoalDialog({ goal, quote, onSave, onClose }: { goal: Goal | null; quote: string; onSave: (d: GoalDraft) => Promise<string | null>; onClose: () => void }) {
  const [type, setType] = useState<GoalType>(goal?.type ?? 'monthly_return');
  const [target, setTarget] = useState(goal ? String(goal.target) : '');
  const [label, setLabel] = useState(goal?.label ?? '');
  const [deadline, setDeadline] = useState(toDay(goal?.deadline ?? null));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLSelectElement & HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const n = Number(target);
  const invalid = target.trim() === '' || !Number.isFinite(n) ? 'Enter a target' : n <= 0 ? 'The target must be greater than 0' : null;
  const save = async () => {
    if (invalid || busy) {
      setError(invalid);
      return;
    }
    setBusy(true);
    const err = await onSave({ type, target: n, label: label.trim() || undefined, deadline: type === 'portfolio_value' ? fromDay(deadline) : undefined });
    setBusy(false);
    if (err) setError(err);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'Enter' && (e.target as HTMLElement).tagName !== 'BUTTON') {
      e.preventDefault();
      void save();
    } else trapTab(e, root.current);
  };
  return (
    <div className="ticket-backdrop">
      <div className="ticket goal-dialog" role="dialog" aria-modal="true" aria-label={goal ? 'Edit goal' : 'New goal'} data-testid="goal-dialog" ref={root} onKeyDown={onKeyDown}>
        <h3>{goal ? `Edit goal: ${goal.label}` : 'New goal'}</h3>
        <div className="ticket-form">
          <label>
            Type
            {goal ? (
              <input ref={first} value={TYPE_LABEL[type]} readOnly data-testid="goal-type" />
            ) : (
              <select ref={first} value={type} onChange={(e) => setType(e.target.value as GoalType)} data-testid="goal-type">
                {GOAL_TYPES.map((t) => (
                  <option key={t} value={t}>{TYPE_LABEL[t]}</option>
                ))}
              </select>
            )}
          </label>
          <label>
            Target ({unitOf(type, quote)})
            <input inputMode="decimal" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="goal-target" aria-invalid={!!invalid} />
          </label>
          <label>
            Label
            <input value={label} placeholder={TYPE_LABEL[type]} onChange={(e) => setLabel(e.target.value)} data-testid="goal-label" maxLength={80} />
          </label>
          <label className={type === 'portfolio_value' ? '' : 'dim'}>
            Deadline (UTC){type === 'portfolio_value' ? '' : ' — portfolio goals only'}
            <input type="date" value={deadline} disabled={type !== 'portfolio_value'} onChange={(e) => setDeadline(e.target.value)} data-testid="goal-deadline" />
          </label>
        </div>
        {error && <p className="error" role="alert" data-testid="goal-error">Refused: {error}</p>}
        <div className="goal-dialog-actions">
          <button className="btn primary" onClick={() => void save()} disabled={busy} data-testid="goal-save">{goal ? 'Save' : 'Create'} <kbd>Enter</kbd></button>
          <button className="btn" onClick={onClose}>Cancel <kbd>Esc</kbd></button>
        </div>
      </div>
    </div>
  );
}

export function DeleteGoalDialog({ goal, onConfirm, onClose }: { goal: Goal; onConfirm: () => Promise<string | null>; onClose: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  const confirm = async () => setError(await onConfirm());
  return (
    <div className="ticket-backdrop">
      <div
        className="ticket goal-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-label="Delete goal"
        data-testid="goal-delete-dialog"
        ref={root}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          } else trapTab(e, root.current);
        }}
      >
        <h3>Delete goal “{goal.label}”?</h3>
        <p className="muted">Its snapshots go with it. This cannot be undone.</p>
        {error && <p className="error" role="alert">Refused: {error}</p>}
        <div className="goal-dialog-actions">
          <button ref={yes} className="btn danger" onClick={() => void confirm()} data-testid="goal-delete-confirm">Delete <kbd>Enter</kbd></button>
          <button className="btn" onClick={onClose}>Keep <kbd>Esc</kbd></button>
        </div>
      </div>
    </div>
  );
}
