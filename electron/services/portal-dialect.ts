import type { Dialect } from '../../shared/contract';
import type { PortalClient } from './portal-client';
import type { Catalog } from './portal-schemas';

/**
 * How the console tells an Educates portal from a Learning Center one, from what the portal answers (never from a
 * setting the user would have to know):
 *
 * 1. A catalog whose workshops carry `labels` is Educates (2.6.15 and later); nothing more is asked.
 * 2. Otherwise the portal is asked for `/workshops/catalog/workshops/` once: 200 is Educates (2.7 and later), 404 is
 *    Learning Center, which has no such route (nor terminate, status or config; its workshops carry an `id` and no
 *    `labels`). Any other failure leaves the dialect unknown, and it is asked again later.
 *
 * An Educates older than 2.6.15 answers like Learning Center on both counts and is taken for one: the console then
 * offers less than such a portal could do (no terminate), never something it cannot.
 */
export function catalogDialect(catalog: Catalog): Dialect | null {
  return catalog.environments.some((e) => e.workshop.labels !== null) ? 'educates' : null;
}

/** the dialect from the catalog when it tells, else from the workshops route; throws when the portal fails */
export async function detectDialect(client: PortalClient, catalog: Catalog | null): Promise<Dialect> {
  const told = catalog ? catalogDialect(catalog) : null;
  if (told) return told;
  return (await client.servesWorkshopCatalog()) ? 'educates' : 'learningcenter';
}
