import { useEffect } from 'react';
import { useApp } from '../../store/use-app';
import { portalGauge } from '../../lib/gauges';
import { Gauge } from '../../ui/Gauge';
import { StatusBadge } from '../../ui/StatusBadge';
import { NowStrip } from './NowStrip';
import { leavePresenter } from './presenter';
import { useFleetNow } from './use-fleet-now';

/**
 * For a projector or a second screen: large type, high contrast, the now strip and one gauge per portal, updating
 * live from the same store as the overview. Esc (or leaving full screen) returns to the overview.
 */
export function PresenterView() {
  const order = useApp((s) => s.portalOrder);
  const snapshots = useApp((s) => s.snapshots);
  const threshold = useApp((s) => s.settings.alerts.capacityPercent);
  const builtinId = useApp((s) => s.portals.find((p) => p.builtin)?.id ?? null);
  const { totals, attention, checking } = useFleetNow();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') void leavePresenter();
    };
    // the browser leaves full screen on Esc itself, without a keydown: follow it back to the overview
    let wasFull = Boolean(document.fullscreenElement);
    const onFull = () => {
      if (wasFull && !document.fullscreenElement) void leavePresenter();
      wasFull = Boolean(document.fullscreenElement);
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('fullscreenchange', onFull);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('fullscreenchange', onFull);
    };
  }, []);

  return (
    <main className="presenter" data-testid="presenter" aria-labelledby="presenter-title">
      <header className="presenter-head">
        <h1 id="presenter-title">Workshop sessions now</h1>
        <p className="presenter-attention" data-testid="presenter-attention" data-count={attention.length}>
          {checking
            ? ''
            : attention.length === 0
              ? 'All well'
              : `${attention.length} need${attention.length === 1 ? 's' : ''} attention`}
        </p>
        <button type="button" className="presenter-leave" onClick={() => void leavePresenter()}>
          Leave (Esc)
        </button>
      </header>
      <NowStrip totals={totals} large />
      <ul className="presenter-gauges" aria-label="Portals">
        {order.map((id) => {
          const snap = snapshots[id];
          if (!snap || snap.status === 'disabled') return null;
          const g = portalGauge(snap, threshold);
          return (
            <li key={id} className="presenter-portal" data-testid="presenter-portal">
              <div className="presenter-portal-head">
                <h2>
                  {snap.label}
                  {id === builtinId && <span className="presenter-kind"> · built-in portal</span>}
                </h2>
                <StatusBadge status={snap.status} lastSeenAt={snap.lastSeenAt} lastError={snap.lastError} />
              </div>
              {g ? (
                <>
                  <Gauge
                    label={`${snap.label}: sessions in use`}
                    valueText={g.label}
                    valueNow={g.allocated}
                    valueMax={g.bounded ? g.maximum : g.allocated}
                    level={g.level}
                    segments={[{ kind: 'allocated', percent: g.bounded ? g.percent : 100 }]}
                  />
                  <p className="presenter-figure">
                    {g.bounded ? `${g.allocated} of ${g.maximum} in use` : `${g.allocated} in use · no maximum`}
                  </p>
                </>
              ) : (
                <p className="presenter-figure">{snap.lastError ?? 'waiting for the first answer'}</p>
              )}
            </li>
          );
        })}
      </ul>
    </main>
  );
}
