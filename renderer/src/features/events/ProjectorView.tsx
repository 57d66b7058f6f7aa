import { useEffect } from 'react';
import { navigate, routeHref } from '../../lib/router';
import { useApp } from '../../store/use-app';
import { Loading } from '../../ui/States';
import { QrCode } from '../../ui/QrCode';
import { useCheckin } from './use-checkin';
import './checkin.css';

/**
 * What the room sees: the event's name, the check-in page's QR code and address, and what to do, in large type and
 * high contrast, with nothing of the console around it. It follows the page: a stop or a move shows at once. Esc goes
 * back to the event's Check-in tab (in the browser's full screen the first Esc leaves full screen, the next the view).
 */
export function ProjectorView({ eventId }: { eventId: string }) {
  const event = useApp((s) => s.events[eventId]);
  const { status, error } = useCheckin(eventId);
  const back = { name: 'event', eventId, tab: 'checkin' } as const;

  useEffect(() => {
    document.body.dataset['projector'] = 'true';
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.fullscreenElement) navigate({ name: 'event', eventId, tab: 'checkin' });
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      delete document.body.dataset['projector'];
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    };
  }, [eventId]);

  const fullScreen = () => void document.documentElement.requestFullscreen?.().catch(() => undefined);
  const exit = (
    <nav className="projector-exit" aria-label="Projector view">
      <a href={routeHref(back)}>Back to the console (Esc)</a>
      <button type="button" onClick={fullScreen}>
        Full screen
      </button>
    </nav>
  );
  if (!status || !event) {
    return (
      <main className="projector" data-testid="projector">
        {exit}
        {error ? <p>{error}</p> : <Loading what="the check-in page" />}
      </main>
    );
  }
  const open = status.state === 'running' && status.url !== null;
  return (
    <main className="projector" data-testid="projector" data-state={status.state}>
      {exit}
      <h1>{event.name}</h1>
      {open ? (
        <>
          <p className="projector-lead">Check in to get your workshop</p>
          <QrCode
            url={status.url as string}
            size={520}
            className="projector-qr"
            alt={`QR code of ${status.url as string}`}
            testId="checkin-qr"
          />
          <p className="projector-url" data-testid="projector-url">
            {status.url}
          </p>
          <ol className="projector-steps">
            <li>Scan the code with your phone’s camera, or type the address into a browser.</li>
            <li>Enter your name and email{status.code ? ' and the event code' : ''}.</li>
            <li>You go straight into your own workshop session.</li>
          </ol>
          {status.code && (
            <p className="projector-code">
              Event code: <strong data-testid="projector-code">{status.code}</strong>
            </p>
          )}
        </>
      ) : (
        <p className="projector-lead" data-testid="projector-closed">
          Check-in is closed.
        </p>
      )}
    </main>
  );
}
