import type { DirectoryEntry, PersonAttendee } from '../../../shared/contract';
import { statusOf, type EventRec } from './event-model';

const MAX_MATCHES = 50;

/**
 * Attendees matching a people search: every word of the query must appear (case-insensitively) in the attendee's
 * email, first name, last name or user id, so "ada love", "lovelace" and "ada@example.org" all find Ada Lovelace.
 */
export function findAttendees(events: readonly EventRec[], query: string): PersonAttendee[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const out: PersonAttendee[] = [];
  for (const e of events) {
    for (const a of e.attendees.values()) {
      const fields = [a.email.toLowerCase(), a.firstName.toLowerCase(), a.lastName.toLowerCase(), a.user.toLowerCase()];
      if (!words.every((w) => fields.some((f) => f.includes(w)))) continue;
      out.push({
        eventId: e.id,
        eventName: e.name,
        attendeeId: a.id,
        email: a.email,
        firstName: a.firstName,
        lastName: a.lastName,
        user: a.user,
        portalId: e.portalId,
        environment: a.environment,
        status: statusOf(a),
        session: a.current?.session ?? null,
      });
      if (out.length >= MAX_MATCHES) return out;
    }
  }
  return out;
}

/** every attendee as a directory entry (portal + user id → name and email); the latest event's wins a repeat */
export function attendeeDirectory(events: readonly EventRec[]): DirectoryEntry[] {
  const out = new Map<string, DirectoryEntry>();
  for (const e of events) {
    for (const a of e.attendees.values()) {
      const { email, firstName, lastName, user } = a;
      out.set(`${e.portalId}\u0000${user}`, {
        portalId: e.portalId,
        user,
        email,
        firstName,
        lastName,
        source: 'event',
      });
    }
  }
  return [...out.values()];
}
