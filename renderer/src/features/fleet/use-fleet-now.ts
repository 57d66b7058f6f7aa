import { useMemo } from 'react';
import { useApp } from '../../store/use-app';
import { fleetTotals, needsAttention } from '../../store/selectors/now';
import { useNow } from './use-now';

/** The now strip's totals and the needs-attention list, from the store (the overview and presenter mode). */
export function useFleetNow() {
  const order = useApp((s) => s.portalOrder);
  const snapshots = useApp((s) => s.snapshots);
  const events = useApp((s) => s.events);
  const thresholdPercent = useApp((s) => s.settings.alerts.capacityPercent);
  const expiringMinutes = useApp((s) => s.settings.alerts.expiringMinutes);
  const nowMs = useNow();
  const totals = useMemo(() => fleetTotals({ order, snapshots }), [order, snapshots]);
  const attention = useMemo(
    () =>
      needsAttention({ order, snapshots, events: Object.values(events), thresholdPercent, expiringMinutes, nowMs }),
    [order, snapshots, events, thresholdPercent, expiringMinutes, nowMs],
  );
  return { totals, attention };
}
