import { useEffect, useState } from 'react';
import type { PersonLookup, PersonSession } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { navigate, routeHref } from '../../lib/router';
import { STATUS_TEXT } from '../../store/selectors/attendees';
import { Countdown } from '../../ui/Countdown';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { DataTable } from '../../ui/DataTable';
import { Empty, ErrorBox, Loading } from '../../ui/States';
import { formatStarted } from '../sessions/SessionTable';
import { useApp } from '../../store/use-app';
import { SessionActionButtons } from '../sessions/SessionActionButtons';
import { useSessionActions } from '../sessions/use-session-actions';

const PEOPLE_COLUMNS = ['Portal', 'Session', 'User', 'Workshop', 'State', 'Started', 'Countdown', 'Actions'];
const ATTENDEE_COLUMNS = ['Name', 'Email', 'User id', 'Event', 'Workshop', 'Status', 'Session'];

/** a user id with the person behind it, when an event of this console knows them */
function UserCell({ user, person }: { user: string; person: PersonSession['person'] }) {
  if (!person) return <span className="mono">{user || '—'}</span>;
  const name = `${person.firstName} ${person.lastName}`.trim();
  return (
    <span className="person">
      <span className="mono">{user}</span>
      <span className="person-name">
        {name ? `${name} · ` : ''}
        {person.email}
      </span>
    </span>
  );
}

export function PeopleView({ initialQuery }: { initialQuery: string }) {
  const [query, setQuery] = useState(initialQuery);
  const [result, setResult] = useState<PersonLookup | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<{ portalId: string; session: string } | null>(null);
  const { busy, extend, terminate } = useSessionActions();
  // each portal's dialect: which actions its sessions offer
  const snapshots = useApp((st) => st.snapshots);
  const expiringMinutes = useApp((st) => st.settings.alerts.expiringMinutes);

  const search = async (q: string) => {
    const trimmed = q.trim();
    if (!trimmed) return;
    setLoading(true);
    setError(null);
    const r = await invoke('people.find', { query: trimmed });
    setLoading(false);
    if (r.ok) setResult(r.data);
    else {
      setResult(null);
      setError(r.error.message);
    }
  };

  useEffect(() => {
    if (initialQuery) void search(initialQuery);
    // run once per route query
  }, [initialQuery]);

  return (
    <section className="screen" aria-labelledby="people-title">
      <h1 id="people-title">People</h1>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate({ name: 'people', query: query.trim() });
          if (query.trim() === initialQuery) void search(query);
        }}
      >
        <label>
          Name, email or user id{' '}
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-shortcut-search
            required
            maxLength={254}
          />
        </label>
        <button type="submit" className="primary" disabled={loading}>
          Find sessions
        </button>
      </form>
      {loading && <Loading what="sessions" />}
      {error && <ErrorBox>{error}</ErrorBox>}
      {result && result.failures.length > 0 && (
        <ErrorBox>
          Some portals could not be asked: {result.failures.map((f) => `${f.portalLabel} (${f.message})`).join(', ')}
        </ErrorBox>
      )}
      {result && result.attendees.length > 0 && (
        <DataTable
          caption={<>Attendees of this console’s events matching “{result.query}”</>}
          showCaption
          columns={ATTENDEE_COLUMNS}
          testId="people-attendees"
        >
          {result.attendees.map((a) => (
            <tr key={a.attendeeId} data-testid="person-attendee">
              <td>{`${a.firstName} ${a.lastName}`.trim() || '—'}</td>
              <td>{a.email}</td>
              <td className="mono">{a.user}</td>
              <td>
                <a href={routeHref({ name: 'event', eventId: a.eventId, tab: 'attendees' })}>{a.eventName}</a>
              </td>
              <td>{a.environment}</td>
              <td>{a.status in STATUS_TEXT ? STATUS_TEXT[a.status as keyof typeof STATUS_TEXT].label : a.status}</td>
              <td className="mono">{a.session ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {result && !loading && result.sessions.length === 0 && (
        <Empty>No sessions for “{result.query}” on any portal.</Empty>
      )}
      {result && result.sessions.length > 0 && (
        <DataTable
          caption={<>Sessions on the portals for “{result.query}”</>}
          showCaption={result.attendees.length > 0}
          columns={PEOPLE_COLUMNS}
          testId="people-results"
        >
          {result.sessions.map((s) => (
            <tr key={`${s.portalId}/${s.name}`} data-testid="person-session">
              <td>{s.portalLabel}</td>
              <td>{s.name}</td>
              <td>
                <UserCell user={s.user} person={s.person} />
              </td>
              <td>{s.workshop}</td>
              <td>{s.state}</td>
              <td>{formatStarted(s.started)}</td>
              <td>
                <Countdown expires={s.expires} clockOffsetMs={s.clockOffsetMs} expiringMinutes={expiringMinutes} />
              </td>
              <td>
                <div className="actions">
                  <SessionActionButtons
                    name={s.name}
                    extendable={s.extendable}
                    busy={busy.has(s.name)}
                    dialect={snapshots[s.portalId]?.dialect}
                    onExtend={() => void extend(s.portalId, s.name).then(() => search(result.query))}
                    onTerminate={() => setConfirm({ portalId: s.portalId, session: s.name })}
                  />
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <ConfirmDialog
        open={confirm !== null}
        title={`Terminate ${confirm?.session ?? ''}?`}
        confirmLabel="Terminate"
        danger
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          const c = confirm;
          setConfirm(null);
          if (c && result) void terminate(c.portalId, c.session).then(() => search(result.query));
        }}
      >
        <p>The user loses their work in this session.</p>
      </ConfirmDialog>
    </section>
  );
}
