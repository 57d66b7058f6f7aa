import type { StateCreator } from 'zustand/vanilla';
import type { DirectoryEntry } from '../../../shared/contract';
import type { AppState } from './app-store';

/** the directory key of a portal user id */
export const personKey = (portalId: string, user: string) => `${portalId}\u0000${user}`;

export interface PeopleSlice {
  /** who a portal user id belongs to, by personKey; an event attendee's record wins over a New session one */
  people: Record<string, DirectoryEntry>;
  /** a full read: replaces the directory */
  applyDirectory(entries: readonly DirectoryEntry[]): void;
  /** people added or changed (a push) */
  applyPeople(entries: readonly DirectoryEntry[]): void;
}

function put(into: Record<string, DirectoryEntry>, e: DirectoryEntry): void {
  const k = personKey(e.portalId, e.user);
  const held = into[k];
  if (held?.source === 'event' && e.source !== 'event') return;
  into[k] = e;
}

export const createPeopleSlice: StateCreator<AppState, [], [], PeopleSlice> = (set) => ({
  people: {},
  applyDirectory: (entries) =>
    set(() => {
      const people: Record<string, DirectoryEntry> = {};
      for (const e of entries) put(people, e);
      return { people };
    }),
  applyPeople: (entries) =>
    set((s) => {
      const people = { ...s.people };
      for (const e of entries) put(people, e);
      return { people };
    }),
});

/** "Ada Lovelace", or the email when the record has no name */
export function personName(e: Pick<DirectoryEntry, 'firstName' | 'lastName' | 'email'>): string {
  return `${e.firstName} ${e.lastName}`.trim() || e.email;
}
