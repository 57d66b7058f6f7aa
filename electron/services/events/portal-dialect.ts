import { FIXED_ACTIVATION_S } from '../../../shared/contract';

export { FIXED_ACTIVATION_S };

/**
 * Said before an event's sessions are allocated on a portal that ignores the activation window (its dialect is
 * found out by the monitor: see portal-dialect.ts in services).
 */
export function fixedActivationMessage(portalLabel: string): string {
  return (
    `${portalLabel} looks like a Learning Center portal: it ignores the activation window and deletes every session ` +
    `that is not opened within ${FIXED_ACTIVATION_S} seconds of its allocation, so links allocated ahead of the ` +
    'event would be dead when attendees open them. Allocate only when the attendees are ready to open their ' +
    'links at once, and confirm that you want to.'
  );
}
