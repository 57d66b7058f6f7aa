import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { portalAbilities, type SessionState } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { navigate, routeHref } from '../../lib/router';
import { appStore } from '../../store/app-store';
import { useApp } from '../../store/use-app';
import { personKey } from '../../store/people.slice';
import { environmentGauge } from '../../lib/gauges';
import {
  ALL_ENVIRONMENTS,
  filterSessions,
  groupByEnvironment,
  sessionRows,
  sortSessions,
  type SessionRow,
  type SortSpec,
} from '../../store/selectors/sessions';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EnvironmentGauge } from '../../ui/Gauge';
import { Empty, ErrorBox, Loading } from '../../ui/States';
import { StatusBadge } from '../../ui/StatusBadge';
import { SessionTable, type SessionSelection } from './SessionTable';
import { useSessionActions } from './use-session-actions';

const STATES: SessionState[] = ['STARTING', 'WAITING', 'RUNNING', 'STOPPING', 'STOPPED', 'UNKNOWN'];

type Action = 'extend' | 'terminate';

const NO_SELECTION: SessionSelection = {};

interface Pending {
  action: Action;
  /** one prepared bulk step per environment; empty for a single-session terminate */
  groups: { environment: string; confirmToken: string; sessions: string[] }[];
  single: SessionRow | null;
}

export function EnvironmentView({ portalId, environment }: { portalId: string; environment: string }) {
  const snapshot = useApp((s) => s.snapshots[portalId]);
  const loaded = useApp((s) => s.snapshotLoaded);
  const threshold = useApp((s) => s.settings.alerts.capacityPercent);
  const [query, setQuery] = useState('');
  const [state, setState] = useState<SessionState | ''>('');
  const [sorting, setSorting] = useState<SortSpec | null>({ key: 'countdown', desc: false });
  const [selection, setSelection] = useState<SessionSelection>({});
  const [pending, setPending] = useState<Pending | null>(null);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { busy, extend, terminate } = useSessionActions();
  const deferredQuery = useDeferredValue(query);

  const all = useMemo(() => sessionRows(snapshot, environment), [snapshot, environment]);
  const people = useApp((s) => s.people);
  const rows = useMemo(() => {
    const owner = (user: string) => {
      const p = people[personKey(portalId, user)];
      return p ? `${p.firstName} ${p.lastName} ${p.email}` : '';
    };
    const filtered = filterSessions(all, deferredQuery, state ? [state] : [], owner);
    return sortSessions(filtered, sorting, Date.now());
  }, [all, deferredQuery, state, sorting, people, portalId]);

  // selection only ever names sessions that are still shown
  const shownSelection = useMemo(() => {
    const picked = Object.keys(selection).filter((k) => selection[k]);
    if (!picked.length) return NO_SELECTION; // the usual case: no set of every shown name to build
    const names = new Set(rows.map((r) => r.name));
    const out: Record<string, boolean> = {};
    for (const k of picked) if (names.has(k)) out[k] = true;
    return out;
  }, [rows, selection]);
  const selectedCount = Object.keys(shownSelection).length;

  const onExtend = useCallback((row: SessionRow) => void extend(portalId, row.name), [extend, portalId]);
  const onTerminate = useCallback(
    (row: SessionRow) => setPending({ action: 'terminate', groups: [], single: row }),
    [],
  );

  const prepare = async (action: Action, wholeEnvironment: boolean) => {
    setError(null);
    setWorking(true);
    const groups: Pending['groups'] = [];
    const targets: [string, string[] | undefined][] = wholeEnvironment
      ? [[environment, undefined]]
      : [...groupByEnvironment(rows, new Set(Object.keys(shownSelection)))];
    for (const [env, sessions] of targets) {
      const r = await invoke(
        'sessions.bulkPrepare',
        sessions ? { portalId, environment: env, action, sessions } : { portalId, environment: env, action },
      );
      if (!r.ok) {
        setWorking(false);
        setError(`Could not prepare the ${action}: ${r.error.message}`);
        return;
      }
      groups.push({ environment: env, confirmToken: r.data.confirmToken, sessions: r.data.sessions });
    }
    setWorking(false);
    setPending({ action, groups, single: null });
  };

  const confirm = async () => {
    if (!pending) return;
    setWorking(true);
    if (pending.single) {
      await terminate(portalId, pending.single.name);
    } else {
      let ok = 0;
      const failed: string[] = [];
      for (const g of pending.groups) {
        const r = await invoke('sessions.bulkExecute', { confirmToken: g.confirmToken });
        if (!r.ok) {
          failed.push(`${g.environment}: ${r.error.message}`);
          continue;
        }
        for (const res of r.data.results) {
          if (res.ok) ok += 1;
          else failed.push(`${res.session}: ${res.message}`);
        }
      }
      const verb = pending.action === 'extend' ? 'Extended' : 'Terminating';
      appStore
        .getState()
        .setNotice(`${verb} ${ok} session${ok === 1 ? '' : 's'}${failed.length ? `, ${failed.length} failed` : ''}`);
      if (failed.length)
        setError(`Some sessions failed: ${failed.slice(0, 5).join('; ')}${failed.length > 5 ? '…' : ''}`);
      setSelection({});
    }
    setWorking(false);
    setPending(null);
  };

  if (!loaded) return <Loading what="sessions" />;
  if (!snapshot) {
    return (
      <section className="screen">
        <h1>Portal not found</h1>
        <ErrorBox>
          This portal is not in the console any more. <a href="#/fleet">Back to the fleet</a>
        </ErrorBox>
      </section>
    );
  }

  const env =
    environment === ALL_ENVIRONMENTS ? null : (snapshot.environments.find((e) => e.name === environment) ?? null);
  const can = portalAbilities(snapshot.dialect);
  const gauge = env ? environmentGauge(env, threshold) : null;
  const pendingCount = pending ? (pending.single ? 1 : pending.groups.reduce((n, g) => n + g.sessions.length, 0)) : 0;
  const pendingNames = pending
    ? pending.single
      ? [pending.single.name]
      : pending.groups.flatMap((g) => g.sessions)
    : [];

  return (
    <section className="screen screen-fill" aria-labelledby="env-title">
      <div className="screen-head">
        <h1 id="env-title">
          <a href="#/fleet">Fleet</a> <span aria-hidden="true">›</span> {snapshot.label}
          {env && (
            <>
              {' '}
              <span aria-hidden="true">›</span> {env.workshop.title || env.name}
            </>
          )}
        </h1>
        <StatusBadge status={snapshot.status} lastSeenAt={snapshot.lastSeenAt} lastError={snapshot.lastError} />
      </div>
      <div className="toolbar">
        <label>
          Environment{' '}
          <select
            value={environment}
            onChange={(e) => navigate({ name: 'environment', portalId, environment: e.target.value })}
          >
            <option value={ALL_ENVIRONMENTS}>All environments</option>
            {snapshot.environments.map((e) => (
              <option key={e.name} value={e.name}>
                {e.workshop.title || e.name} ({e.name})
              </option>
            ))}
          </select>
        </label>
        {gauge && env && (
          <div className="toolbar-gauge">
            <EnvironmentGauge label={`${env.name}: sessions`} gauge={gauge} />
            <span className="env-numbers">{gauge.label}</span>
          </div>
        )}
        {env && (
          <a className="button" href={routeHref({ name: 'create', portalId, environment: env.name })}>
            New session
          </a>
        )}
      </div>
      <div className="toolbar">
        <label>
          Filter{' '}
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="session, person, user id, state…"
            data-shortcut-search
            aria-label="Filter sessions"
          />
        </label>
        <label>
          State{' '}
          <select value={state} onChange={(e) => setState(e.target.value as SessionState | '')}>
            <option value="">any</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" aria-live="polite" data-testid="session-count">
          {rows.length} of {all.length} sessions{selectedCount ? `, ${selectedCount} selected` : ''}
        </span>
        <span className="spacer" />
        {can.extend === null && (
          <button type="button" disabled={!selectedCount || working} onClick={() => void prepare('extend', false)}>
            Extend selected
          </button>
        )}
        {can.terminate === null && (
          <button
            type="button"
            className="danger"
            disabled={!selectedCount || working}
            onClick={() => void prepare('terminate', false)}
          >
            Terminate selected
          </button>
        )}
        {env && can.extend === null && (
          <button type="button" disabled={!env.sessions.length || working} onClick={() => void prepare('extend', true)}>
            Extend all
          </button>
        )}
        {env && can.terminate === null && (
          <button
            type="button"
            className="danger"
            disabled={!env.sessions.length || working}
            onClick={() => void prepare('terminate', true)}
          >
            Terminate all
          </button>
        )}
      </div>
      {(can.terminate ?? can.extend) !== null && (
        <ul className="dialect-note" data-testid="dialect-note">
          {can.terminate && <li>{can.terminate}</li>}
          {can.extend && <li>{can.extend}</li>}
        </ul>
      )}
      {error && <ErrorBox testId="bulk-error">{error}</ErrorBox>}
      {all.length === 0 ? (
        <Empty>{env ? 'No sessions in this environment.' : 'No sessions on this portal.'}</Empty>
      ) : (
        <SessionTable
          label={env ? `Sessions of ${env.name}` : `Sessions of ${snapshot.label}`}
          rows={rows}
          portalId={portalId}
          showEnvironment={!env}
          dialect={snapshot.dialect}
          sorting={sorting}
          onSortingChange={setSorting}
          selection={shownSelection}
          onSelectionChange={setSelection}
          busy={busy}
          onExtend={onExtend}
          onTerminate={onTerminate}
        />
      )}
      <ConfirmDialog
        open={pending !== null}
        title={
          pending
            ? `${pending.action === 'extend' ? 'Extend' : 'Terminate'} ${pendingCount} ` +
              `session${pendingCount === 1 ? '' : 's'}?`
            : ''
        }
        confirmLabel={pending?.action === 'extend' ? 'Extend' : 'Terminate'}
        danger={pending?.action === 'terminate'}
        busy={working}
        onCancel={() => setPending(null)}
        onConfirm={() => void confirm()}
      >
        {pending?.action === 'terminate' && <p>Users lose their work in these sessions. This cannot be undone.</p>}
        {pendingCount === 0 && <p>There is nothing to do.</p>}
        <ul className="name-list">
          {pendingNames.slice(0, 12).map((n) => (
            <li key={n}>{n}</li>
          ))}
          {pendingNames.length > 12 && <li>… and {pendingNames.length - 12} more</li>}
        </ul>
      </ConfirmDialog>
    </section>
  );
}
