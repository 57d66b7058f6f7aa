import { memo, useMemo, useState } from 'react';
import type { AttendeeView, EventSummary } from '../../../../shared/contract';
import { routeHref } from '../../lib/router';
import { formatClock, formatDate, formatRange } from '../../lib/time';
import { useApp } from '../../store/use-app';
import { attendeeName } from '../../store/selectors/attendees';
import { QrCode } from '../../ui/QrCode';
import { Empty, Loading } from '../../ui/States';
import type { EnvironmentInfo } from './event-info';

type Layout = 'page' | 'sheet';

/** An attendee's link is worth printing while it can still be opened: waiting for them, or already running. */
function printable(a: AttendeeView): boolean {
  return a.activationUrl !== null && (a.status === 'waiting' || a.status === 'running');
}

const Card = memo(function Card({
  a,
  event,
  envTitle,
  portalLabel,
}: {
  a: AttendeeView;
  event: EventSummary;
  envTitle: string;
  portalLabel: string;
}) {
  const who = attendeeName(a) || a.email;
  const url = a.activationUrl as string;
  return (
    <article className="handout-card" data-testid="handout-card" data-email={a.email}>
      <header>
        <p className="handout-event">
          {event.name} · {formatRange(event.startsAt, event.endsAt)}
        </p>
        <h2 className="handout-name">{who}</h2>
        {who !== a.email && <p className="handout-email">{a.email}</p>}
      </header>
      <p className="handout-workshop">
        Workshop: <strong>{envTitle}</strong> <span className="muted">on {portalLabel}</span>
      </p>
      <QrCode url={url} size={160} alt={`QR code of the link for ${who}`} testId="handout-qr" />
      <p className="handout-how">Scan the code or type the link into a browser to start your workshop.</p>
      <p className="handout-link mono">{url}</p>
      {a.status === 'waiting' && a.activateBy !== null && (
        <p className="handout-deadline">
          Open it before {formatClock(a.activateBy)} on {formatDate(a.activateBy)}: after that the link no longer works.
        </p>
      )}
    </article>
  );
});

/**
 * The printable handout: one card per attendee with a live link (name, workshop, the link and its QR code). The
 * screen's header and controls are hidden in print (`.no-print`, and the app's own chrome), and each card stays in
 * one piece; "one per page" starts every card on a new page.
 */
export function HandoutView({
  event,
  environments,
  portalLabel,
}: {
  event: EventSummary;
  environments: EnvironmentInfo[];
  portalLabel: string;
}) {
  const detail = useApp((s) => (s.eventDetail?.eventId === event.id ? s.eventDetail : null));
  const [layout, setLayout] = useState<Layout>('page');
  const titles = useMemo(() => Object.fromEntries(environments.map((e) => [e.name, e.title])), [environments]);
  // the list follows the order and the attendees, not the detail object (which changes with its other fields)
  const order = detail?.order;
  const byId = detail?.attendees;
  const all = useMemo(
    () => (order && byId ? order.map((id) => byId[id]).filter((a): a is AttendeeView => a !== undefined) : []),
    [order, byId],
  );
  const cards = useMemo(() => all.filter(printable), [all]);
  const without = all.length - cards.length;

  if (!detail?.loaded) return <Loading what="the handout" />;

  return (
    <div className="handout" data-layout={layout}>
      <div className="toolbar no-print">
        <button type="button" className="primary" disabled={cards.length === 0} onClick={() => window.print()}>
          Print
        </button>
        <label>
          Layout{' '}
          <select value={layout} onChange={(e) => setLayout(e.target.value as Layout)}>
            <option value="page">One card per page</option>
            <option value="sheet">Several cards per page (cut along the lines)</option>
          </select>
        </label>
        <span className="muted" data-testid="handout-count">
          {cards.length} card{cards.length === 1 ? '' : 's'}
          {without > 0 && (
            <>
              {' '}
              · {without} attendee{without === 1 ? ' has' : 's have'} no link to hand out (not allocated yet, ended,
              expired or failed):{' '}
              <a href={routeHref({ name: 'event', eventId: event.id, tab: 'attendees' })}>see the attendees</a>
            </>
          )}
        </span>
      </div>
      {cards.length === 0 ? (
        <Empty>No links to hand out yet: allocate sessions on the Attendees tab first.</Empty>
      ) : (
        <div className="handout-cards">
          {cards.map((a) => (
            <Card
              key={a.id}
              a={a}
              event={event}
              envTitle={titles[a.environment] ?? a.environment}
              portalLabel={portalLabel}
            />
          ))}
        </div>
      )}
    </div>
  );
}
