import { z } from 'zod';

/**
 * Which REST API a portal speaks, as the console found out from its answers: `educates` (Educates 2.x/3.x) or
 * `learningcenter` (VMware Tanzu Learning Center, TAP 1.0–1.6). null: not known yet.
 */
export const dialectSchema = z.enum(['educates', 'learningcenter']);
export type Dialect = z.infer<typeof dialectSchema>;

export const DIALECT_LABELS: Record<Dialect, string> = {
  educates: 'Educates',
  learningcenter: 'Learning Center',
};

/** what a Learning Center portal does with every session requested over REST, whatever the request says */
export const FIXED_ACTIVATION_S = 60;

/** the activation window the New session form offers where the portal honours one (minutes) */
export const DEFAULT_ACTIVATION_MINUTES = 60;

/**
 * What the console may do with a portal's sessions, and why not where it may not: each reason is a sentence for the
 * facilitator, shown where the action would be. Where the dialect is not known yet, everything is offered (the
 * portal answers, and a Learning Center portal found out that way is then known).
 */
export interface PortalAbilities {
  /** null: sessions can be ended from the console */
  terminate: string | null;
  /** null: the robot may extend sessions */
  extend: string | null;
  /** null: the portal honours the request's activation timeout */
  activationWindow: string | null;
}

const EVERYTHING: PortalAbilities = { terminate: null, extend: null, activationWindow: null };

const LEARNING_CENTER: PortalAbilities = {
  terminate:
    'This Learning Center portal has no terminate endpoint: the session ends when it expires; the attendee can end ' +
    'it from the workshop dashboard.',
  extend:
    'Learning Center lets only the session’s owner or staff extend it, not the console’s robot account: the attendee ' +
    'can extend it from the workshop dashboard.',
  activationWindow:
    `Learning Center ignores the activation window: every link it hands out must be opened within ` +
    `${FIXED_ACTIVATION_S} seconds of the request, or the session is deleted. Request it when the attendee is ready ` +
    'to open it, or use the on-arrival check-in, which requests each attendee’s session when they arrive.',
};

export function portalAbilities(dialect: Dialect | null | undefined): PortalAbilities {
  return dialect === 'learningcenter' ? LEARNING_CENTER : EVERYTHING;
}
