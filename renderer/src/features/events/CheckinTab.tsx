import { useEffect, useState } from 'react';
import { reachOf, type CheckinStatus, type EventSummary, type NetworkInterface } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { copyText } from '../../lib/download';
import { routeHref } from '../../lib/router';
import { formatClock } from '../../lib/time';
import { appStore } from '../../store/app-store';
import { ErrorBox, Loading } from '../../ui/States';
import { QrCode } from '../../ui/QrCode';
import { useCheckin } from './use-checkin';
import './checkin.css';

const LOCAL = '127.0.0.1';
const OTHER = 'other';

type Where = { share: false } | { share: true; choice: string; other: string };

function whereOf(s: CheckinStatus, interfaces: readonly NetworkInterface[]): Where {
  if (!s.shared) return { share: false };
  const known = interfaces.some((i) => i.address === s.address);
  return { share: true, choice: known ? s.address : OTHER, other: known ? '' : s.address };
}

function addressOf(w: Where): string {
  if (!w.share) return LOCAL;
  return w.choice === OTHER ? w.other.trim() : w.choice;
}

const STATE_TEXT: Record<CheckinStatus['state'], string> = {
  stopped: 'Off',
  running: 'Open',
  failed: 'Could not start',
};

function Stats({ s }: { s: CheckinStatus }) {
  const items: Array<[string, number, string]> = [
    ['checked in', s.stats.checkedIn, 'Submissions that ended in the attendee’s session (a repeat counts again)'],
    ['walk-ins added', s.stats.walkIns, 'People added to the attendee list by checking in'],
    ['no session free', s.stats.unavailable, 'The portal had no session (or refused)'],
    ['refused', s.stats.refused, 'Wrong code, not on the list, an unreadable or expired form'],
    ['slowed down', s.stats.limited, 'Refused by the rate limits'],
  ];
  return (
    <dl className="checkin-stats" data-testid="checkin-stats">
      {items.map(([label, n, title]) => (
        <div key={label} title={title}>
          <dt>{label}</dt>
          <dd>{n}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The event's check-in page: who may check in (anyone with the code, or the listed attendees), where it listens
 * (this computer, or a network of it, with who can reach it said plainly), start and stop, and its address as text
 * and QR code with a full-screen projector view.
 */
export function CheckinTab({ event }: { event: EventSummary }) {
  const { status, error, busy, run } = useCheckin(event.id);
  const [interfaces, setInterfaces] = useState<NetworkInterface[] | null>(null);
  const [mode, setMode] = useState<CheckinStatus['mode']>('code');
  const [code, setCode] = useState('');
  const [where, setWhere] = useState<Where>({ share: false });
  const [loadedFor, setLoadedFor] = useState<string | null>(null);

  useEffect(() => {
    void invoke('checkin.interfaces', {}).then((r) => setInterfaces(r.ok ? r.data : []));
  }, []);
  // the form starts from the saved settings once (and once the interfaces are known, so a page shared on one of them
  // shows it picked), then keeps what the facilitator types
  useEffect(() => {
    if (!status || !interfaces || loadedFor === event.id) return;
    setMode(status.mode);
    setCode(status.code ?? '');
    setWhere(whereOf(status, interfaces));
    setLoadedFor(event.id);
  }, [status, interfaces, loadedFor, event.id]);

  if (!status || !interfaces) return error ? <ErrorBox>{error}</ErrorBox> : <Loading what="the check-in page" />;

  const external = interfaces.filter((i) => !i.internal);
  const address = addressOf(where);
  const running = status.state === 'running';
  const saved = status.mode === mode && (status.code ?? '') === code.trim();
  const save = () => run('checkin.configure', { eventId: event.id, mode, code: code.trim() || null });
  const start = async () => {
    if (!saved && !(await save())) return;
    await run('checkin.start', { eventId: event.id, address });
  };
  const copy = async () => {
    if (status.url && (await copyText(status.url))) appStore.getState().setNotice('Copied the check-in address');
  };

  return (
    <div className="checkin" data-testid="checkin-tab" data-state={status.state}>
      <section className="panel checkin-settings" aria-labelledby="checkin-who">
        <h2 id="checkin-who">Who can check in</h2>
        <fieldset className="checkin-mode">
          <legend className="sr-only">Access</legend>
          <label className="check">
            <input type="radio" name="checkin-mode" checked={mode === 'code'} onChange={() => setMode('code')} />
            Anyone with the event code (walk-ins are added to the attendee list)
          </label>
          <label className="check">
            <input type="radio" name="checkin-mode" checked={mode === 'listed'} onChange={() => setMode('listed')} />
            Only the attendees on the list, matched by email
          </label>
        </fieldset>
        <label>
          Event code
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            maxLength={40}
            autoComplete="off"
            placeholder="e.g. KUBE-24"
            aria-describedby="checkin-code-hint"
            data-testid="checkin-code"
          />
        </label>
        <p className="form-hint" id="checkin-code-hint">
          {code.trim() === ''
            ? mode === 'code'
              ? 'No code: anyone who can open the page gets a session.'
              : 'No code: anyone who knows a listed attendee’s email gets their session.'
            : 'Attendees type it on the page (case, spaces and dashes do not matter). Show it in the room only.'}
        </p>
        {!saved && (
          <button type="button" disabled={busy} onClick={() => void save()}>
            Save access settings
          </button>
        )}

        <h2 id="checkin-where">Where it listens</h2>
        <fieldset aria-labelledby="checkin-where">
          <label className="check">
            <input
              type="radio"
              name="checkin-where"
              checked={!where.share}
              onChange={() => setWhere({ share: false })}
            />
            Only this computer
          </label>
          <label className="check">
            <input
              type="radio"
              name="checkin-where"
              checked={where.share}
              onChange={() => setWhere({ share: true, choice: external[0]?.address ?? OTHER, other: '' })}
            />
            Share on the local network
          </label>
        </fieldset>
        {where.share && (
          <div className="checkin-share">
            <label>
              Network
              <select
                value={where.choice}
                onChange={(e) => setWhere({ ...where, choice: e.target.value })}
                data-testid="checkin-interface"
              >
                {external.map((i) => (
                  <option key={`${i.name}-${i.address}`} value={i.address}>
                    {i.name}: {i.address} ({i.cidr})
                  </option>
                ))}
                <option value={OTHER}>Another address of this computer…</option>
              </select>
            </label>
            {where.choice === OTHER && (
              <label>
                Address
                <input
                  value={where.other}
                  onChange={(e) => setWhere({ ...where, other: e.target.value })}
                  placeholder="e.g. 192.168.1.5"
                  inputMode="decimal"
                  data-testid="checkin-address"
                />
              </label>
            )}
          </div>
        )}
        <p className="checkin-reach" data-testid="checkin-reach">
          {address === '' ? 'Enter an address of this computer.' : reachOf(address, interfaces)}
        </p>
        <div className="toolbar">
          {!running && (
            <button
              type="button"
              className="primary"
              disabled={busy || event.archived || address === ''}
              onClick={() => void start()}
            >
              Start check-in
            </button>
          )}
          {running && status.address !== address && address !== '' && (
            <button type="button" className="primary" disabled={busy} onClick={() => void start()}>
              Move to {address}
            </button>
          )}
          {running && (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => void run('checkin.stop', { eventId: event.id })}
            >
              Stop check-in
            </button>
          )}
          {event.archived && <span className="muted">Archived: restore the event to open its check-in page.</span>}
        </div>
        {error && <ErrorBox testId="checkin-error">{error}</ErrorBox>}
      </section>

      <section className="panel checkin-live" aria-labelledby="checkin-state">
        <h2 id="checkin-state">
          Check-in page: <span data-testid="checkin-state">{STATE_TEXT[status.state]}</span>
        </h2>
        {status.state === 'failed' && <ErrorBox testId="checkin-failure">{status.error}</ErrorBox>}
        {running && Date.now() >= event.endsAt && (
          <p className="warning" data-testid="checkin-over">
            The event is over: the page refuses check-ins. To reopen it, move the event’s end later (Edit event).
          </p>
        )}
        {status.movedFrom && (
          <p className="warning" data-testid="checkin-moved">
            Its port was taken by another program, so the page moved: {status.movedFrom} no longer works. Show the new
            QR code.
          </p>
        )}
        {running && status.url ? (
          <>
            <p className="checkin-url">
              <a href={status.url} target="_blank" rel="noreferrer" className="mono" data-testid="checkin-url">
                {status.url}
              </a>{' '}
              <button type="button" onClick={() => void copy()}>
                Copy
              </button>
            </p>
            <QrCode
              url={status.url}
              size={280}
              className="qr checkin-qr"
              alt={`QR code of ${status.url}`}
              testId="checkin-qr"
            />
            <p>
              <a className="button primary" href={routeHref({ name: 'projector', eventId: event.id })}>
                Projector view
              </a>
            </p>
            {status.startedAt !== null && <p className="muted">Open since {formatClock(status.startedAt)}.</p>}
            {status.portalUrl && (
              <p className="muted">
                Attendees reach the built-in portal at {status.portalUrl} (only the pages a session needs).
              </p>
            )}
          </>
        ) : (
          <p className="muted">
            {status.url
              ? `Off. When started, it opens at ${status.url} again, so printed or projected codes stay valid.`
              : 'Off. Start it to get its address and QR code.'}
          </p>
        )}
        <Stats s={status} />
      </section>
    </div>
  );
}
