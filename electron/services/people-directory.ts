import type { DirectoryEntry, Person } from '../../shared/contract';
import type { Db } from './console-db';

interface PersonRow {
  portal_id: string;
  user: string;
  email: string;
  first_name: string;
  last_name: string;
}

const entry = (r: PersonRow): DirectoryEntry => ({
  portalId: r.portal_id,
  user: r.user,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  source: 'new-session',
});

/**
 * The people the console created sessions for through New session (event attendees live with their events), so
 * that a session's owner shows as a name and email rather than a derived id like `ada-example-org`.
 */
export class NewSessionPeople {
  private readonly st;

  constructor(
    db: Db,
    private readonly now: () => number,
  ) {
    this.st = {
      upsert: db.prepare(
        `INSERT INTO people (portal_id, user, email, first_name, last_name, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (portal_id, user) DO UPDATE SET email = excluded.email, first_name = excluded.first_name,
           last_name = excluded.last_name, updated_at = excluded.updated_at`,
      ),
      all: db.prepare<[], PersonRow>('SELECT * FROM people ORDER BY portal_id, user'),
    };
  }

  /**
   * Records who a session was created for; returns the entry, or null when nothing but the user id was given
   * (nothing to show beside it). A failed write loses only the name on screen, never the session.
   */
  record(portalId: string, user: string, person: Partial<Person>): DirectoryEntry | null {
    const email = person.email?.trim() ?? '';
    const firstName = person.firstName?.trim() ?? '';
    const lastName = person.lastName?.trim() ?? '';
    if (!user || (!email && !firstName && !lastName)) return null;
    try {
      const t = this.now();
      this.st.upsert.run(portalId, user, email, firstName, lastName, t, t);
    } catch {
      return null;
    }
    return { portalId, user, email, firstName, lastName, source: 'new-session' };
  }

  list(): DirectoryEntry[] {
    return this.st.all.all().map(entry);
  }

  /** people whose email, names or user id contain every word of the query (case-insensitive) */
  find(query: string): DirectoryEntry[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    return this.list().filter((p) => {
      const fields = [p.email, p.firstName, p.lastName, p.user].map((f) => f.toLowerCase());
      return words.every((w) => fields.some((f) => f.includes(w)));
    });
  }
}
