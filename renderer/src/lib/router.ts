import { useMemo, useSyncExternalStore } from 'react';

/**
 * A tiny hash router: `#/fleet`, `#/portal/<id>`, `#/portal/<id>/env/<env>`, `#/people`, `#/create`,
 * `#/events`, `#/events/new`, `#/event/<id>[/report|/handout|/checkin|/edit]`, `#/event/<id>/projector` (the check-in
 * page's projector view, full screen), `#/timeline`, `#/settings`, `#/portals`, `#/present` (presenter mode).
 * `#/roster` (the attendee list's former place) opens the events.
 */
export type EventTab = 'attendees' | 'report' | 'handout' | 'checkin' | 'edit';
const EVENT_TABS: readonly EventTab[] = ['attendees', 'report', 'handout', 'checkin', 'edit'];

export type Route =
  | { name: 'fleet' }
  | { name: 'environment'; portalId: string; environment: string }
  | { name: 'people'; query: string }
  | { name: 'create'; portalId: string | null; environment: string | null }
  | { name: 'events' }
  | { name: 'event-new' }
  | { name: 'event'; eventId: string; tab: EventTab }
  | { name: 'projector'; eventId: string }
  | { name: 'timeline'; portalId: string | null }
  | { name: 'settings' }
  | { name: 'portals' }
  | { name: 'present' };

export function parseRoute(hash: string): Route {
  const [pathPart = '', queryPart = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = pathPart
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const q = new URLSearchParams(queryPart);
  switch (parts[0]) {
    case 'portal':
      if (parts[1])
        return {
          name: 'environment',
          portalId: parts[1],
          environment: parts[2] === 'env' && parts[3] ? parts[3] : '*',
        };
      return { name: 'fleet' };
    case 'people':
      return { name: 'people', query: q.get('q') ?? '' };
    case 'create':
      return { name: 'create', portalId: q.get('portal'), environment: q.get('env') };
    case 'roster':
      return { name: 'events' };
    case 'events':
      return parts[1] === 'new' ? { name: 'event-new' } : { name: 'events' };
    case 'event': {
      if (!parts[1]) return { name: 'events' };
      if (parts[2] === 'projector') return { name: 'projector', eventId: parts[1] };
      const tab = EVENT_TABS.find((t) => t === parts[2]) ?? 'attendees';
      return { name: 'event', eventId: parts[1], tab };
    }
    case 'timeline':
      return { name: 'timeline', portalId: parts[1] ?? null };
    case 'settings':
      return { name: 'settings' };
    case 'portals':
      return { name: 'portals' };
    case 'present':
      return { name: 'present' };
    default:
      return { name: 'fleet' };
  }
}

export function routeHref(route: Route): string {
  const e = encodeURIComponent;
  switch (route.name) {
    case 'fleet':
      return '#/fleet';
    case 'environment':
      return route.environment === '*'
        ? `#/portal/${e(route.portalId)}`
        : `#/portal/${e(route.portalId)}/env/${e(route.environment)}`;
    case 'people':
      return route.query ? `#/people?q=${e(route.query)}` : '#/people';
    case 'create': {
      const q = new URLSearchParams();
      if (route.portalId) q.set('portal', route.portalId);
      if (route.environment) q.set('env', route.environment);
      const s = q.toString();
      return s ? `#/create?${s}` : '#/create';
    }
    case 'timeline':
      return route.portalId ? `#/timeline/${e(route.portalId)}` : '#/timeline';
    case 'event-new':
      return '#/events/new';
    case 'projector':
      return `#/event/${e(route.eventId)}/projector`;
    case 'event':
      return route.tab === 'attendees' ? `#/event/${e(route.eventId)}` : `#/event/${e(route.eventId)}/${route.tab}`;
    default:
      return `#/${route.name}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return useMemo(() => parseRoute(hash), [hash]);
}
