import type { Catalog } from '../portal-schemas';

/** what a Learning Center portal does with every session requested over REST */
export const FIXED_ACTIVATION_S = 60;

/**
 * Learning Center (and Educates before 2.6.15) describe workshops with an `id` (a content hash) and no `labels`;
 * Learning Center has no `timeout` parameter: every link it hands out dies 60 s after it was requested. A catalog
 * with no workshop gives no evidence either way and counts as Educates.
 */
export function ignoresActivationTimeout(catalog: Catalog): boolean {
  return catalog.environments.some(
    (e) => typeof e.workshop.id === 'string' && Object.keys(e.workshop.labels).length === 0,
  );
}

export function fixedActivationMessage(portalLabel: string): string {
  return (
    `${portalLabel} looks like a Learning Center portal: it ignores the activation window and deletes every session ` +
    `that is not opened within ${FIXED_ACTIVATION_S} seconds of its allocation, so links allocated ahead of the ` +
    'event would be dead when attendees open them. Allocate only when the attendees are ready to open their ' +
    'links at once, and confirm that you want to.'
  );
}
