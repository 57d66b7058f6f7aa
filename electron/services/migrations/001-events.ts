import type { Migration } from './index';

/**
 * Events, their attendees and every session the console obtained for them. An attendee's current allocation is
 * their latest row; older rows are the history (reissues), kept for the report.
 */
export const eventsSchema: Migration = {
  version: 1,
  name: 'events, attendees and allocations',
  up(db) {
    db.exec(`
      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        portal_id TEXT NOT NULL,
        environments TEXT NOT NULL, -- JSON array of environment names
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        activation_window_s INTEGER NOT NULL,
        index_url TEXT,
        archived INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        revision INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE attendees (
        id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, -- order of addition within the event
        email TEXT NOT NULL,
        email_key TEXT NOT NULL, -- lower case: emails are unique per event whatever their case
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        user TEXT NOT NULL,
        user_key TEXT NOT NULL,
        environment TEXT NOT NULL,
        source TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        UNIQUE (event_id, email_key),
        UNIQUE (event_id, user_key)
      );
      CREATE TABLE allocations (
        id INTEGER PRIMARY KEY,
        attendee_id TEXT NOT NULL REFERENCES attendees(id) ON DELETE CASCADE,
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        environment TEXT NOT NULL,
        session TEXT,
        activation_url TEXT, -- holds the activation token: never logged
        requested_at INTEGER NOT NULL,
        allocated_at INTEGER,
        activate_by INTEGER,
        expires_at INTEGER,
        first_running_at INTEGER,
        ended_at INTEGER,
        extensions INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        reason TEXT,
        flags TEXT NOT NULL DEFAULT '[]' -- JSON array of notes
      );
      CREATE INDEX allocations_by_attendee ON allocations (attendee_id, id);
      CREATE INDEX allocations_by_event ON allocations (event_id);
    `);
  },
};
