import { useEffect, useId, useRef, type ReactNode } from 'react';

interface Props {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  /** false disables the confirm button (e.g. a required choice is missing) */
  canConfirm?: boolean;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}

/** A modal confirmation on the native <dialog>: focus trap, Escape and inertness come from the browser. */
export function ConfirmDialog(props: Props) {
  const { open, title, children, confirmLabel, danger, busy, canConfirm = true, onConfirm, onCancel, testId } = props;
  const ref = useRef<HTMLDialogElement>(null);
  // several dialogs can live on one screen: each needs its own title id
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="dialog-body">{children}</div>
      <div className="dialog-actions">
        {/* a destructive action starts on Cancel, so a stray Enter does not confirm it */}
        <button type="button" onClick={onCancel} disabled={busy} autoFocus={danger === true}>
          Cancel
        </button>
        <button
          type="button"
          className={danger ? 'danger' : 'primary'}
          onClick={onConfirm}
          disabled={busy || !canConfirm}
          autoFocus={danger !== true}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
