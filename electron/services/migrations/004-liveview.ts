import type { Migration } from './index';

/**
 * The alert log closes the loop (acknowledgements, repeats counted into one alert, the portal's label kept for
 * after it is removed), and the people the console created sessions for outside an event (New session), so that
 * screens show a name and email beside their user id. Only adds columns and a table: it depends on nothing but
 * the alert log, whatever other migrations add.
 */
export const liveviewSchema: Migration = {
  version: 4,
  name: 'alert acknowledgements and grouping; people of New session',
  up(db) {
    db.exec(`
      ALTER TABLE alerts ADD COLUMN portal_label TEXT NOT NULL DEFAULT '';
      ALTER TABLE alerts ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE alerts ADD COLUMN acknowledged_at INTEGER;
      CREATE INDEX alerts_open ON alerts (portal_id, kind, acknowledged_at);
      CREATE TABLE people (
        portal_id TEXT NOT NULL,
        user TEXT NOT NULL,
        email TEXT NOT NULL,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (portal_id, user)
      );
    `);
  },
};
