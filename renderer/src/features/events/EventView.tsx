import { lazy, Suspense, useEffect, useMemo } from 'react';
import type { EventSummary } from '../../../../shared/contract';
import { routeHref, type EventTab } from '../../lib/router';
import { formatRange, formatSeconds } from '../../lib/time';
import { appStore } from '../../store/app-store';
import { loadEventDetail } from '../../store/sync';
import { useApp } from '../../store/use-app';
import { eventPhase } from '../../store/selectors/attendees';
import { ErrorBox, Loading } from '../../ui/States';
import { AttendeesTab } from './AttendeesTab';
import { EventForm } from './EventForm';
import { eventEnvironments } from './event-info';
import { PhaseBadge } from './PhaseBadge';

// recharts (the report) and the QR code library (the handout) load on first visit of their tab
const EventReport = lazy(() => import('./EventReport').then((m) => ({ default: m.EventReport })));
const HandoutView = lazy(() => import('./HandoutView').then((m) => ({ default: m.HandoutView })));
const CheckinTab = lazy(() => import('./CheckinTab').then((m) => ({ default: m.CheckinTab })));

const TABS: { tab: EventTab; label: string }[] = [
  { tab: 'attendees', label: 'Attendees' },
  { tab: 'report', label: 'Report' },
  { tab: 'handout', label: 'Handout' },
  { tab: 'checkin', label: 'Check-in' },
  { tab: 'edit', label: 'Edit event' },
];

function EventHeader({
  event,
  tab,
  portalLabel,
  titles,
}: {
  event: EventSummary;
  tab: EventTab;
  portalLabel: string;
  titles: string;
}) {
  return (
    <header className="event-head no-print">
      <div className="screen-head">
        <h1 id="event-title">
          <a href={routeHref({ name: 'events' })}>Events</a> <span aria-hidden="true">›</span> {event.name}
        </h1>
        <PhaseBadge event={event} />
      </div>
      <p className="event-meta" data-testid="event-meta">
        <span>{portalLabel}</span>
        <span>{titles}</span>
        <span>{formatRange(event.startsAt, event.endsAt)}</span>
        <span>activation window {event.activationWindowS === 0 ? 'none' : formatSeconds(event.activationWindowS)}</span>
      </p>
      <nav aria-label="Event" className="tabs">
        <ul>
          {TABS.map((t) => (
            <li key={t.tab}>
              <a
                href={routeHref({ name: 'event', eventId: event.id, tab: t.tab })}
                aria-current={t.tab === tab ? 'page' : undefined}
              >
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}

/** One event: its attendee list, report, printable handout and settings, under one header. */
export function EventView({ eventId, tab }: { eventId: string; tab: EventTab }) {
  const event = useApp((s) => s.events[eventId]);
  const loaded = useApp((s) => s.eventsLoaded);
  const removed = useApp((s) => eventId in s.removedEvents);
  const snapshot = useApp((s) => (event ? s.snapshots[event.portalId] : undefined));
  const portal = useApp((s) => (event ? s.portals.find((p) => p.id === event.portalId) : undefined));

  useEffect(() => {
    appStore.getState().openEventDetail(eventId);
    void loadEventDetail(appStore, eventId);
    return () => appStore.getState().closeEventDetail();
  }, [eventId]);

  // follows the event's workshop list, not the event object (which changes with its run and counts)
  const envNames = event?.environments;
  const environments = useMemo(
    () => (envNames ? eventEnvironments({ environments: envNames }, snapshot) : []),
    [envNames, snapshot],
  );

  if (!event) {
    if (!loaded) return <Loading what="the event" />;
    return (
      <section className="screen">
        <h1>Event not found</h1>
        <ErrorBox>
          {removed ? 'This event was deleted.' : 'There is no such event in this console.'}{' '}
          <a href={routeHref({ name: 'events' })}>Back to the events</a>
        </ErrorBox>
      </section>
    );
  }

  const portalLabel = snapshot?.label ?? portal?.label ?? event.portalId;
  const titles = environments.map((e) => e.title).join(', ');
  const wide = tab === 'attendees';
  return (
    <section
      className={`screen event-screen${wide ? ' screen-fill' : ''}`}
      aria-labelledby="event-title"
      data-phase={eventPhase(event, Date.now())}
    >
      <EventHeader event={event} tab={tab} portalLabel={portalLabel} titles={titles} />
      {tab === 'attendees' && <AttendeesTab event={event} environments={environments} />}
      {tab === 'report' && (
        <Suspense fallback={<Loading what="the report" />}>
          <EventReport event={event} environments={environments} />
        </Suspense>
      )}
      {tab === 'handout' && (
        <Suspense fallback={<Loading what="the handout" />}>
          <HandoutView event={event} environments={environments} portalLabel={portalLabel} />
        </Suspense>
      )}
      {tab === 'checkin' && (
        <Suspense fallback={<Loading what="the check-in page" />}>
          <CheckinTab event={event} />
        </Suspense>
      )}
      {tab === 'edit' && <EventForm event={event} />}
    </section>
  );
}
