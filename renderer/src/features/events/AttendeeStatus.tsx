import type { AttendeeView } from '../../../../shared/contract';
import { STATUS_TEXT } from '../../store/selectors/attendees';

/** An attendee's status as a badge; a failure's reason and the link's notes (reissued, adopted) in its title. */
export function AttendeeStatusBadge({ a }: { a: Pick<AttendeeView, 'status' | 'reason' | 'flags'> }) {
  const text = STATUS_TEXT[a.status];
  const notes = [text.detail, ...(a.reason ? [a.reason] : []), ...a.flags];
  return (
    <span className="att-status" data-status={a.status} title={notes.join(' — ')} data-testid="attendee-status">
      {text.label}
      {a.flags.length > 0 && (
        <span className="att-flag" aria-label={`note: ${a.flags.join('; ')}`}>
          {' '}
          ⚑
        </span>
      )}
    </span>
  );
}
