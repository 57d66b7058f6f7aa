import type { Alert } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';

export const ALERT_TITLE: Record<Alert['kind'], string> = {
  capacity: 'Capacity',
  'portal-offline': 'Portal offline',
  'credentials-rejected': 'Credentials rejected',
  expiring: 'Session expiring',
  'portal-recovered': 'Portal back',
  'capacity-recovered': 'Capacity free again',
};

export const isRecovery = (a: Alert) => a.kind === 'portal-recovered' || a.kind === 'capacity-recovered';

/** the portal's current label; for a removed portal the label it had when the alert was raised, never its id */
export function alertPortal(a: Alert, labels: Readonly<Record<string, { label: string } | undefined>>): string {
  return labels[a.portalId]?.label ?? (a.portalLabel || 'a removed portal');
}

/** acknowledges alerts (persisted by the console, which tells every window); returns an error message or null */
export async function acknowledgeAlerts(ids: readonly string[] | 'all'): Promise<string | null> {
  const r = await invoke('alerts.acknowledge', ids === 'all' ? { all: true } : { ids: [...ids] });
  if (!r.ok) return r.error.message;
  appStore.getState().applyAcknowledged(r.data.ids, r.data.at);
  return null;
}
