import { useDeferredValue, useMemo } from 'react';
import type { PortalSnapshot } from '../../../../shared/contract';
import { useApp } from '../../store/use-app';
import { fleetTotals, needsAttention } from '../../store/selectors/now';
import { useNow } from './use-now';

const NONE: Readonly<Record<string, PortalSnapshot>> = {};

/** The now strip's totals and the needs-attention list, from the store (the overview and presenter mode). */
export function useFleetNow() {
  const order = useApp((s) => s.portalOrder);
  const snapshots = useApp((s) => s.snapshots);
  const events = useApp((s) => s.events);
  const thresholdPercent = useApp((s) => s.settings.alerts.capacityPercent);
  const expiringMinutes = useApp((s) => s.settings.alerts.expiringMinutes);
  const nowMs = useNow();
  const totals = useMemo(() => fleetTotals({ order, snapshots }), [order, snapshots]);
  // The list reads every session's expiry (10,000 dates to parse): it follows in a background render, so the first
  // frame shows the totals and the cards without waiting for it; `checking` says the list is not there yet.
  const deferred = useDeferredValue(snapshots, NONE);
  const attention = useMemo(
    () =>
      needsAttention({
        order,
        snapshots: deferred,
        events: Object.values(events),
        thresholdPercent,
        expiringMinutes,
        nowMs,
      }),
    [order, deferred, events, thresholdPercent, expiringMinutes, nowMs],
  );
  // later updates keep showing the previous list until the new one is ready (no flicker on every push)
  return { totals, attention, checking: deferred === NONE && snapshots !== NONE };
}
