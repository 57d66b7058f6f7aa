import type { EventSummary, PortalSnapshot } from '../../../../shared/contract';
import type { Route } from '../../lib/router';

export interface Command {
  id: string;
  label: string;
  hint: string;
  run: { route: Route } | { theme: 'system' | 'light' | 'dark' };
}

export const SCREENS: { key: string; label: string; route: Route }[] = [
  { key: 'o', label: 'Fleet overview', route: { name: 'fleet' } },
  { key: 'p', label: 'People', route: { name: 'people', query: '' } },
  { key: 'n', label: 'New session', route: { name: 'create', portalId: null, environment: null } },
  { key: 'e', label: 'Events', route: { name: 'events' } },
  { key: 't', label: 'Capacity timeline', route: { name: 'timeline', portalId: null } },
  { key: 'a', label: 'Alerts and settings', route: { name: 'settings' } },
  { key: 'c', label: 'Portals', route: { name: 'portals' } },
];

/** Everything the palette can do, for the current fleet and events. */
export function buildCommands(
  portals: readonly PortalSnapshot[],
  query: string,
  events: readonly EventSummary[] = [],
): Command[] {
  const out: Command[] = SCREENS.map((s) => ({
    id: `screen-${s.key}`,
    label: s.label,
    hint: `g ${s.key}`,
    run: { route: s.route },
  }));
  out.push({ id: 'event-new', label: 'New event', hint: 'events', run: { route: { name: 'event-new' } } });
  for (const e of events) {
    if (e.archived) continue;
    const route = (tab: 'attendees' | 'report' | 'handout' | 'checkin') => ({
      route: { name: 'event' as const, eventId: e.id, tab },
    });
    out.push(
      { id: `event-${e.id}`, label: `Event: ${e.name}`, hint: 'attendees', run: route('attendees') },
      { id: `event-${e.id}-report`, label: `Report of ${e.name}`, hint: 'event', run: route('report') },
      { id: `event-${e.id}-handout`, label: `Handout of ${e.name}`, hint: 'event', run: route('handout') },
      { id: `event-${e.id}-checkin`, label: `Check-in page of ${e.name}`, hint: 'event', run: route('checkin') },
      {
        id: `event-${e.id}-projector`,
        label: `Projector view of ${e.name}`,
        hint: 'check-in',
        run: { route: { name: 'projector', eventId: e.id } },
      },
    );
  }
  for (const p of portals) {
    out.push({
      id: `portal-${p.portalId}`,
      label: `Sessions on ${p.label}`,
      hint: 'portal',
      run: { route: { name: 'environment', portalId: p.portalId, environment: '*' } },
    });
    for (const e of p.environments) {
      out.push({
        id: `env-${p.portalId}-${e.name}`,
        label: `${e.workshop.title || e.name} on ${p.label}`,
        hint: e.name,
        run: { route: { name: 'environment', portalId: p.portalId, environment: e.name } },
      });
    }
  }
  out.push(
    { id: 'theme-light', label: 'Theme: light', hint: 'theme', run: { theme: 'light' } },
    { id: 'theme-dark', label: 'Theme: dark', hint: 'theme', run: { theme: 'dark' } },
    { id: 'theme-system', label: 'Theme: follow the system', hint: 'theme', run: { theme: 'system' } },
  );
  const q = query.trim();
  if (q)
    out.push({
      id: 'find-person',
      label: `Find person “${q}”`,
      hint: 'people',
      run: { route: { name: 'people', query: q } },
    });
  return filterCommands(out, q);
}

/** Every word of the query must appear in the label or hint; earlier matches rank first. */
export function filterCommands(commands: readonly Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return commands.slice();
  const scored: { c: Command; score: number }[] = [];
  for (const c of commands) {
    const hay = `${c.label} ${c.hint}`.toLowerCase();
    if (c.id === 'find-person' || words.every((w) => hay.includes(w))) {
      const first = words[0] ?? '';
      scored.push({ c, score: c.id === 'find-person' ? 1e6 : hay.indexOf(first) });
    }
  }
  return scored.sort((a, b) => a.score - b.score).map((s) => s.c);
}
