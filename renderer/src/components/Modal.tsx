/**
 * The one modal dialog: a backdrop, a dialog box with a label, a focus trap (Tab and Shift+Tab
 * cycle inside the dialog) and focus restore (the element focused before it opened gets the
 * focus back when it closes). Esc closes it (`onClose`); a click on the backdrop too unless
 * `backdropCloses` is false. Keys typed inside the dialog do not reach the views' shortcuts.
 * Used by the order ticket, the channel editor, the kill switch confirmation and the
 * data-source dialogs.
 */
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type ReactNode, type Ref } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface ModalProps {
  /** The dialog's accessible name. */
  label: string;
  onClose: () => void;
  children: ReactNode;
  testid?: string;
  /** Class of the dialog box (its look); the backdrop is `modal-backdrop` plus `backdropClassName`. */
  className?: string;
  backdropClassName?: string;
  /** `alertdialog` for a confirmation. */
  role?: 'dialog' | 'alertdialog';
  /** What gets the focus on opening: a selector inside the dialog; default the first field, else the dialog. */
  initialFocus?: string;
  backdropCloses?: boolean;
  /** Keys inside the dialog, before Esc handling; call preventDefault() to keep Esc from closing. */
  onKeyDown?: (e: ReactKeyboardEvent<HTMLDivElement>) => void;
  dialogRef?: Ref<HTMLDivElement>;
  /** Extra data-* attributes on the dialog box (e.g. `{ 'data-stage': 'review' }`). */
  attrs?: Record<`data-${string}`, string>;
}

/** The elements Tab can reach inside `root`, in order. */
export function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => !el.hasAttribute('hidden') && el.getClientRects().length > 0);
}

export function Modal({ label, onClose, children, testid, className = 'modal', backdropClassName = '', role = 'dialog', initialFocus, backdropCloses = true, onKeyDown, dialogRef, attrs }: ModalProps) {
  const box = useRef<HTMLDivElement | null>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const root = box.current;
    if (root) {
      const wanted = initialFocus ? root.querySelector<HTMLElement>(initialFocus) : root.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])');
      (wanted ?? root).focus();
    }
    // Esc closes even when focus left the dialog (a button that became disabled drops focus to body).
    const onWindowKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented && (!root || !root.contains(e.target as Node))) close.current();
    };
    // Focus that escapes (a click on the page behind) comes back into the dialog.
    const onFocusIn = (e: FocusEvent) => {
      if (root && !root.contains(e.target as Node)) (focusables(root)[0] ?? root).focus();
    };
    window.addEventListener('keydown', onWindowKey);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      window.removeEventListener('keydown', onWindowKey);
      document.removeEventListener('focusin', onFocusIn);
      if (before && before.isConnected && typeof before.focus === 'function') before.focus();
    };
    // Opening is one moment: later changes of initialFocus do not move the focus again.
  }, []);

  const onKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    onKeyDown?.(e);
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      e.stopPropagation();
      close.current();
      return;
    }
    if (e.key === 'Tab' && box.current) {
      const list = focusables(box.current);
      if (list.length === 0) {
        e.preventDefault();
        return;
      }
      const first = list[0]!;
      const last = list[list.length - 1]!;
      const at = document.activeElement;
      if (e.shiftKey && (at === first || at === box.current)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && at === last) {
        e.preventDefault();
        first.focus();
      }
    }
    // Keys typed in the dialog are the dialog's, not the views' shortcuts behind it.
    e.stopPropagation();
  };

  return (
    <div className={`modal-backdrop ${backdropClassName}`.trim()} onMouseDown={(e) => backdropCloses && e.target === e.currentTarget && close.current()}>
      <div
        className={className}
        role={role}
        aria-modal="true"
        aria-label={label}
        tabIndex={-1}
        data-testid={testid}
        {...attrs}
        onKeyDown={onKey}
        ref={(el) => {
          box.current = el;
          if (typeof dialogRef === 'function') dialogRef(el);
          else if (dialogRef) (dialogRef as { current: HTMLDivElement | null }).current = el;
        }}
      >
        {children}
      </div>
    </div>
  );
}
