/**
 * Size before Execute: what Execute would do for a signal (signals.preview — the engine's own
 * sizing), shown in the Signals view and on the signal popup; and Execute itself, which asks for
 * confirmation when price moved from the signal's entry by more than the account's tolerance.
 */
import { useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { groupDigits, type SignalExecution, type SignalPreview } from '../../../engine/api';
import { api } from '../api/client';
import { outcomeOf, type ActionReport } from '../api/act';

const pctText = (v: number | null, signed = false): string => (v === null ? '—' : `${signed && v > 0 ? '+' : ''}${v !== 0 && Math.abs(v) < 0.1 ? v.toPrecision(2) : v.toFixed(2)} %`);

/** Loads (and refreshes every few seconds) the preview of one signal. */
export function useSignalPreview(id: number | null | undefined, account?: number): { preview: SignalPreview | null; error: string | null } {
  const [preview, setPreview] = useState<SignalPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setPreview(null);
    setError(null);
    if (!id) return;
    let alive = true;
    const load = () =>
      api
        .call('signals.preview', { id, account })
        .then((p) => alive && (setPreview(p), setError(null)))
        .catch((e: Error) => alive && setError(e.message));
    void load();
    const t = setInterval(load, 3000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [id, account]);
  return { preview, error };
}

/** "Execute: 0.033333 BTC ≈ 1,999.98 USDT · 20.00 % of equity · risk to stop 33.33 (0.33 %) · risk 0.5 % of equity to the stop · cut to the max position notional". */
export function SizePreview({ preview, error, compact }: { preview: SignalPreview | null; error?: string | null; compact?: boolean }) {
  if (error) return <div className="outcome-failed" data-testid="size-preview">Size: {error}</div>;
  if (!preview) return <div className="muted" data-testid="size-preview">Size: working it out…</div>;
  const base = preview.symbol.split('/')[0];
  const quote = (preview.symbol.split('/')[1] ?? '').split(':')[0];
  return (
    <div className={`size-preview${compact ? ' compact' : ''}`} data-testid="size-preview" data-ok={preview.ok} data-capped={preview.capped}>
      {preview.ok ? (
        <>
          <strong data-testid="preview-amount">
            Execute: {preview.amount} {base}
          </strong>{' '}
          ≈ <span data-testid="preview-notional">{groupDigits(preview.notional)} {quote}</span> · <span data-testid="preview-equity-pct">{pctText(preview.equityPct)} of equity</span> ·{' '}
          <span data-testid="preview-risk">
            risk to stop {groupDigits(preview.riskToStop)} ({pctText(preview.riskPct)})
          </span>{' '}
          · <span className="muted" data-testid="preview-rule">{preview.rule}</span>
          {preview.capped && (
            <>
              {' '}
              · <span className="warn" data-testid="preview-cap">{preview.capNote}</span>
            </>
          )}
        </>
      ) : (
        <span className="outcome-refused" data-testid="preview-refused">
          Execute would be refused: {preview.message} <span className="muted">({preview.rule})</span>
        </span>
      )}
      {preview.movePct !== null && (
        <div className={preview.needsConfirmation ? 'warn' : 'muted'} data-testid="preview-move">
          Price {groupDigits(preview.price)} is {pctText(preview.movePct, true)} from the entry {groupDigits(preview.entry)}
          {preview.needsConfirmation ? ` — beyond the ${preview.tolerancePct} % tolerance: Execute asks first` : ''}
        </div>
      )}
      {preview.killSwitchOn && <div className="outcome-refused">Kill switch is on: Execute would be refused</div>}
    </div>
  );
}

interface ConfirmState {
  pending: { preview: SignalPreview; resolve(go: boolean): void } | null;
  ask(preview: SignalPreview): Promise<boolean>;
}

const useConfirm = create<ConfirmState>((set) => ({
  pending: null,
  ask: (preview) => new Promise<boolean>((resolve) => set({ pending: { preview, resolve } })),
}));

/**
 * Execute a signal as the popup and the Signals view do: preview first; beyond the tolerance, a
 * confirmation showing the move; then signals.execute. Reports what happened to the order.
 */
export async function executeSignal(id: number, report: (text: string, tone: ActionReport['tone']) => void, what = `Execute #${id}`): Promise<SignalExecution | null> {
  try {
    const preview = await api.call('signals.preview', { id });
    if (preview.needsConfirmation && !(await useConfirm.getState().ask(preview))) {
      report(`${what}: not sent (price moved ${pctText(preview.movePct, true)} from the entry)`, 'canceled');
      return null;
    }
    const r = await api.call('signals.execute', { id });
    const w = outcomeOf(r)!;
    report(`${what}: ${w.text}`, w.tone);
    return r;
  } catch (e) {
    report(`${what} failed: ${(e as Error).message}`, 'failed');
    return null;
  }
}

/** The confirmation Execute asks for when price moved beyond the tolerance (Enter executes, Esc does not). */
export function ExecuteConfirm() {
  const pending = useConfirm((s) => s.pending);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [pending]);
  if (!pending) return null;
  const p = pending.preview;
  const done = (go: boolean) => {
    useConfirm.setState({ pending: null });
    pending.resolve(go);
  };
  return (
    <div className="ticket-backdrop">
      <div
        className="ticket kill-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-label="Confirm execute"
        tabIndex={-1}
        ref={ref}
        data-testid="execute-confirm"
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') done(false);
          if (e.key === 'Enter') done(true);
        }}
      >
        <strong className="warn" data-testid="execute-confirm-move">
          Price moved {pctText(p.movePct, true)} from the signal's entry: {groupDigits(p.entry)} → {groupDigits(p.price)} (tolerance {p.tolerancePct} %).
        </strong>
        <div>
          Execute {p.side.toUpperCase()} {p.symbol} #{p.signalId} anyway?
        </div>
        <SizePreview preview={p} compact />
        <div className="toast-actions">
          <button className="btn primary" onClick={() => done(true)} data-testid="execute-confirm-yes">
            Execute anyway <kbd>Enter</kbd>
          </button>
          <button className="btn" onClick={() => done(false)}>
            Don't <kbd>Esc</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
