import type { Alert } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';
import { personKey, personName } from '../../store/people.slice';
import { useApp } from '../../store/use-app';

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

/** the person who owns the session an alert names, when the console knows them ("Ada Lovelace <ada@…>") */
export function useAlertPerson(a: Alert): string | null {
  return useApp((s) => {
    if (!a.session) return null;
    const env = s.snapshots[a.portalId]?.environments.find((e) => e.name === a.environment);
    const user = env?.sessions.find((x) => x.name === a.session)?.user;
    const p = user ? s.people[personKey(a.portalId, user)] : undefined;
    if (!p) return null;
    const name = personName(p);
    return p.email && p.email !== name ? `${name} <${p.email}>` : name;
  });
}
