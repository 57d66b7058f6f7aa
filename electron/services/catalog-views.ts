import type { EnvironmentView } from '../../shared/contract';
import type { CatalogEnvironment } from './portal-schemas';

/** an environment view's data (all but its revision) as JSON: equal text, equal data */
const dataKeys = new WeakMap<EnvironmentView, string>();

/** The environment as the console shows it: only the fields the renderer uses; `revision` 0 until pushed. */
function environmentView(e: CatalogEnvironment): EnvironmentView {
  return {
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
      labels: e.workshop.labels ?? {},
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
    revision: 0,
  };
}

/**
 * The catalog's environments as the renderer sees them. One with the same data as in `previous` is that very
 * object, revision and all, so the renderer keeps what it drew of it; a changed or new one is a new object with
 * revision 0, which the monitor sets to the revision of the snapshot that first carries it.
 */
export function environmentViews(
  environments: readonly CatalogEnvironment[],
  previous: readonly EnvironmentView[],
): EnvironmentView[] {
  const before = new Map(previous.map((v) => [v.name, v]));
  return environments.map((e) => {
    const view = environmentView(e);
    const key = JSON.stringify(view);
    const old = before.get(e.name);
    if (old && dataKeys.get(old) === key) return old;
    dataKeys.set(view, key);
    return view;
  });
}
