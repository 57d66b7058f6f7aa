import type { EventSummary } from '../../../../shared/contract';
import { eventPhase, type EventPhase } from '../../store/selectors/attendees';

const TEXT: Record<EventPhase, string> = { upcoming: 'Upcoming', on: 'Under way', over: 'Over', archived: 'Archived' };

/** Where the event stands in time (evaluated when it renders; pushes re-render it often while it runs). */
export function PhaseBadge({ event }: { event: Pick<EventSummary, 'archived' | 'startsAt' | 'endsAt'> }) {
  const phase = eventPhase(event, Date.now());
  return (
    <span className="phase-badge" data-phase={phase} data-testid="event-phase">
      {TEXT[phase]}
    </span>
  );
}
