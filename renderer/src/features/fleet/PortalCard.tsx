import { memo, useLayoutEffect, useRef } from 'react';
import {
  DIALECT_LABELS,
  type Dialect,
  type EnvironmentView,
  type PortalSnapshot,
  type PortalStatus,
} from '../../../../shared/contract';
import { environmentGauge, portalGauge } from '../../lib/gauges';
import { isDegraded } from '../../lib/status';
import { routeHref } from '../../lib/router';
import { EnvironmentGauge, Gauge } from '../../ui/Gauge';
import { StatusBadge } from '../../ui/StatusBadge';
import { PortalEvents } from './PortalEvents';
import { useRetry } from './use-retry';
import { subscribeTick } from '../../lib/ticker';
import { formatAge } from '../../lib/countdown';
import { formatClockOnDay } from '../../lib/time';

const EnvironmentRow = memo(function EnvironmentRow({
  portalId,
  env,
  threshold,
}: {
  portalId: string;
  env: EnvironmentView;
  threshold: number;
}) {
  const g = environmentGauge(env, threshold);
  const title = env.workshop.title || env.workshop.name;
  return (
    <li className="env-row" data-testid="environment" data-environment={env.name}>
      <a className="env-name" href={routeHref({ name: 'environment', portalId, environment: env.name })}>
        <span className="env-title">{title}</span>
        <span className="env-slug">{env.name}</span>
      </a>
      <EnvironmentGauge label={`${title}: sessions`} gauge={g} />
      <span className="env-numbers" data-testid="environment-numbers">
        <span title="in use (allocated to someone)">{g.allocated}</span> /{' '}
        <span title="reserved: started ahead, waiting to be claimed">{g.available}</span> /{' '}
        <span title="capacity">{g.capacity}</span>
      </span>
    </li>
  );
});

/** Which REST API the portal speaks, as the console found out from its answers. */
function DialectBadge({ dialect }: { dialect: Dialect }) {
  return (
    <span
      className="dialect-badge"
      data-dialect={dialect}
      data-testid="portal-dialect"
      title={`This portal answers as ${DIALECT_LABELS[dialect]} does; the console offers what it supports`}
    >
      <span className="sr-only">API: </span>
      {DIALECT_LABELS[dialect]}
    </span>
  );
}

const FAILING: ReadonlySet<PortalStatus> = new Set(['stale', 'offline', 'credentials-rejected']);

/**
 * "14:05 (3 min ago)": when the portal last answered, else when this page first saw it fail. The age counts
 * on the shared ticker, written into its own node, so the card does not re-render every second.
 */
function failingSinceText(since: number, now: number): string {
  return `${formatClockOnDay(since, now)} (${formatAge(since, now)} ago)`;
}

function FailingSince({ since }: { since: number }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    return subscribeTick((t) => {
      const v = failingSinceText(since, t);
      if (el.textContent !== v) el.textContent = v;
    });
  }, [since]);
  return (
    <span ref={ref} className="portal-failure-since" data-testid="portal-failing-since">
      {failingSinceText(since, Date.now())}
    </span>
  );
}

/** Why a failing portal fails, written out on its card (not only in the badge's tooltip), and "Retry now". */
function PortalFailure({ snapshot }: { snapshot: PortalSnapshot }) {
  // a portal that never answered has no lastSeenAt: count from when this card first showed the failure
  const firstSeen = useRef(Date.now());
  const since = snapshot.lastSeenAt ?? firstSeen.current;
  const { retrying, note, retry } = useRetry(snapshot.portalId);
  return (
    <div className="portal-failure" data-testid="portal-failure">
      <p className="portal-failure-reason" data-testid="portal-error">
        {snapshot.lastError ?? 'The portal did not answer.'}
      </p>
      <p className="portal-failure-meta">
        {snapshot.lastSeenAt === null ? 'Failing since' : 'Last answered at'} <FailingSince since={since} />
      </p>
      <div className="portal-failure-actions">
        <button
          type="button"
          className="small"
          onClick={retry}
          disabled={retrying}
          aria-label={`${retrying ? 'Retrying…' : 'Retry now'} ${snapshot.label}`}
        >
          {retrying ? 'Retrying…' : 'Retry now'}
        </button>
        <span role="status" className="muted" data-testid="portal-retry-note">
          {note}
        </span>
      </div>
    </div>
  );
}

export const PortalCard = memo(function PortalCard({
  snapshot,
  threshold,
  builtin = false,
}: {
  snapshot: PortalSnapshot;
  threshold: number;
  /** the console's own engine: said on the card, since its portal name is only this computer's host name */
  builtin?: boolean;
}) {
  const g = portalGauge(snapshot, threshold);
  const degraded = isDegraded(snapshot.status);
  const headingId = `portal-${snapshot.portalId}-title`;
  return (
    <article
      className="portal-card"
      data-degraded={degraded}
      data-testid="portal-card"
      data-portal-id={snapshot.portalId}
      aria-labelledby={headingId}
    >
      <header className="portal-card-head">
        <h2 id={headingId}>
          <a href={routeHref({ name: 'environment', portalId: snapshot.portalId, environment: '*' })}>
            {snapshot.label}
          </a>
        </h2>
        {snapshot.dialect && <DialectBadge dialect={snapshot.dialect} />}
        <StatusBadge status={snapshot.status} lastSeenAt={snapshot.lastSeenAt} lastError={snapshot.lastError} />
        {builtin && (
          <p className="portal-kind" data-testid="portal-builtin">
            Built-in portal <span className="muted">· runs inside this console</span>
          </p>
        )}
      </header>
      {(FAILING.has(snapshot.status) || (snapshot.status === 'connecting' && snapshot.lastError !== null)) && (
        <PortalFailure snapshot={snapshot} />
      )}
      <div className="portal-gauge">
        {g ? (
          <>
            <Gauge
              label={`${snapshot.label}: portal sessions`}
              valueText={g.label}
              valueNow={g.allocated}
              valueMax={g.bounded ? g.maximum : g.allocated}
              level={g.level}
              testId="portal-gauge"
              segments={[{ kind: 'allocated', percent: g.bounded ? g.percent : 0 }]}
            />
            <span className="portal-gauge-text" data-testid="portal-gauge-text">
              <span className="portal-gauge-caption">Portal total</span>{' '}
              {g.bounded ? `${g.allocated} of ${g.maximum}` : `${g.allocated} · no maximum`}
            </span>
          </>
        ) : (
          <span className="muted">
            {FAILING.has(snapshot.status)
              ? 'No numbers: the portal has not answered yet'
              : 'Waiting for the first answer…'}
          </span>
        )}
      </div>
      {snapshot.environments.length ? (
        <>
          <div className="env-legend" aria-hidden="true">
            <span>
              <i className="swatch swatch-allocated" /> in use
            </span>
            <span>
              <i className="swatch swatch-available" /> reserved
            </span>
            <span className="env-legend-numbers">in use / reserved / capacity</span>
          </div>
          <ul className="env-list" aria-label={`${snapshot.label} workshop environments`}>
            {snapshot.environments.map((env) => (
              <EnvironmentRow key={env.name} portalId={snapshot.portalId} env={env} threshold={threshold} />
            ))}
          </ul>
        </>
      ) : (
        snapshot.portal && <p className="muted">No workshop environments are running.</p>
      )}
      <PortalEvents portalId={snapshot.portalId} />
      <footer className="portal-card-foot">
        <a href={routeHref({ name: 'create', portalId: snapshot.portalId, environment: null })}>New session</a>
        <a href={routeHref({ name: 'timeline', portalId: snapshot.portalId })}>Capacity timeline</a>
      </footer>
    </article>
  );
});
