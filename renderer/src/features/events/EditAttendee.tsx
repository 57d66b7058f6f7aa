import { useEffect, useId, useRef, useState } from 'react';
import type { AttendeeView } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';
import { PersonFields } from './PersonFields';
import { ErrorBox } from '../../ui/States';

interface Props {
  eventId: string;
  attendee: AttendeeView | null;
  environments: readonly { name: string; title: string }[];
  onClose(): void;
  onRemove(a: AttendeeView): void;
}

/**
 * Edits one attendee. While they hold a session the email, user id and workshop cannot change (the console refuses
 * and says why); the name can.
 */
export function EditAttendee({ eventId, attendee, environments, onClose, onRemove }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [form, setForm] = useState({ firstName: '', lastName: '', email: '', user: '', environment: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // the form is filled when another person is opened, during render (React's "adjust state on a prop change"), so
  // a new attendee object for the same person (a push) does not reset what is being typed
  const attendeeId = attendee?.id ?? null;
  const [formFor, setFormFor] = useState<string | null>(null);
  if (attendeeId !== formFor) {
    setFormFor(attendeeId);
    if (attendee) {
      setForm({
        firstName: attendee.firstName,
        lastName: attendee.lastName,
        email: attendee.email,
        user: attendee.user,
        environment: attendee.environment,
      });
      setError(null);
    }
  }

  const isOpen = attendee !== null;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (isOpen && !d.open) d.showModal();
    else if (!isOpen && d.open) d.close();
  }, [isOpen]);

  const holdsSession = attendee !== null && ['allocating', 'waiting', 'running'].includes(attendee.status);

  const save = async () => {
    if (!attendee) return;
    setBusy(true);
    setError(null);
    const changed = <K extends keyof typeof form>(k: K) => (form[k] !== attendee[k] ? { [k]: form[k].trim() } : {});
    const r = await invoke('events.updateAttendee', {
      eventId,
      attendeeId: attendee.id,
      ...changed('firstName'),
      ...changed('lastName'),
      ...changed('email'),
      ...changed('user'),
      ...changed('environment'),
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    appStore.getState().setNotice(`Saved ${r.data.email}`);
    onClose();
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      data-testid="edit-attendee"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>Edit attendee</h2>
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <PersonFields value={form} onChange={setForm} locked={holdsSession} />
        {environments.length > 1 && (
          <label>
            Workshop
            <select
              value={form.environment}
              disabled={holdsSession}
              onChange={(e) => setForm({ ...form, environment: e.target.value })}
            >
              {environments.map((x) => (
                <option key={x.name} value={x.name}>
                  {x.title} ({x.name})
                </option>
              ))}
            </select>
          </label>
        )}
        {holdsSession && (
          <p className="muted">This attendee has a session: end it before changing the email, user id or workshop.</p>
        )}
        {error && <ErrorBox>{error}</ErrorBox>}
        <div className="dialog-actions">
          <button type="button" className="danger" disabled={busy} onClick={() => attendee && onRemove(attendee)}>
            Remove from the event…
          </button>
          <span className="spacer" />
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
