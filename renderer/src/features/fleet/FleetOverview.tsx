import { useApp } from '../../store/use-app';
import { Empty, ErrorBox, Loading } from '../../ui/States';
import { AlertsPanel } from '../alerts/AlertsPanel';
import { AttentionList } from './AttentionList';
import { NowStrip } from './NowStrip';
import { PortalCard } from './PortalCard';
import { enterPresenter } from './presenter';
import { useFleetNow } from './use-fleet-now';

export function FleetOverview() {
  const order = useApp((s) => s.portalOrder);
  const snapshots = useApp((s) => s.snapshots);
  const loaded = useApp((s) => s.snapshotLoaded);
  const error = useApp((s) => s.snapshotError);
  const threshold = useApp((s) => s.settings.alerts.capacityPercent);
  const builtinId = useApp((s) => s.portals.find((p) => p.builtin)?.id ?? null);
  const { totals, attention, checking } = useFleetNow();

  return (
    <section className="screen" aria-labelledby="fleet-title">
      <div className="screen-head">
        <h1 id="fleet-title">Fleet overview</h1>
        <button type="button" onClick={() => void enterPresenter()} data-testid="presenter-button">
          Presenter mode
        </button>
      </div>
      {error && !loaded && <ErrorBox>Could not read the fleet: {error}</ErrorBox>}
      {!loaded && !error && <Loading what="portals" />}
      {loaded && order.length === 0 && (
        <Empty>
          No portals yet. <a href="#/portals">Add a portal</a> to start monitoring.
        </Empty>
      )}
      {loaded && order.length > 0 && (
        <>
          <NowStrip totals={totals} />
          <div className="now-lists">
            <AttentionList items={attention} checking={checking} />
            <AlertsPanel />
          </div>
        </>
      )}
      <div className="portal-grid">
        {order.map((id) => {
          const snap = snapshots[id];
          return snap ? <PortalCard key={id} snapshot={snap} threshold={threshold} builtin={id === builtinId} /> : null;
        })}
      </div>
    </section>
  );
}
