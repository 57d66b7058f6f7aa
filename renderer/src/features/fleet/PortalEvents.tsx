import { memo, useMemo } from 'react';
import { routeHref } from '../../lib/router';
import { useApp } from '../../store/use-app';
import { activeEventsOn } from '../../store/selectors/attendees';

/** "activated X of Y" for each event under way on this portal (or holding sessions there), on its fleet card. */
export const PortalEvents = memo(function PortalEvents({ portalId }: { portalId: string }) {
  const events = useApp((s) => s.events);
  const active = useMemo(() => activeEventsOn(Object.values(events), portalId, Date.now()), [events, portalId]);
  if (active.length === 0) return null;
  return (
    <ul className="portal-events" aria-label="Events on this portal" data-testid="portal-events">
      {active.map((e) => (
        <li key={e.id} data-testid="portal-event">
          <a href={routeHref({ name: 'event', eventId: e.id, tab: 'attendees' })}>{e.name}</a>
          <span className="portal-event-count">
            activated {e.activated} of {e.total}
          </span>
        </li>
      ))}
    </ul>
  );
});
