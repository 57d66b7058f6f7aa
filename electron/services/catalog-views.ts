import type { EnvironmentView } from '../../shared/contract';
import type { Catalog } from './portal-schemas';

/** The catalog's environments as the console shows them: only the fields the renderer uses. */
export function environmentViews(catalog: Catalog): EnvironmentView[] {
  return catalog.environments.map((e) => ({
    name: e.name,
    state: e.state,
    workshop: {
      name: e.workshop.name,
      title: e.workshop.title,
      description: e.workshop.description,
      vendor: e.workshop.vendor,
      difficulty: e.workshop.difficulty,
      duration: e.workshop.duration,
      tags: e.workshop.tags,
      labels: e.workshop.labels,
      logo: e.workshop.logo,
      url: e.workshop.url,
    },
    duration: e.duration,
    capacity: e.capacity,
    reserved: e.reserved,
    allocated: e.allocated,
    available: e.available,
    // countdown is left out on purpose: it changes every second, the renderer derives it from `expires`
    sessions: e.sessions.map((s) => ({
      name: s.name,
      state: s.state,
      user: s.user,
      started: s.started,
      expires: s.expires,
      extendable: s.extendable,
    })),
  }));
}
