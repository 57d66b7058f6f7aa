import type { Migration } from './index';

/** The monitor's capacity history and the alert log, so that both outlive a restart of the console. */
export const historySchema: Migration = {
  version: 2,
  name: 'capacity history and alert log',
  up(db) {
    db.exec(`
      CREATE TABLE capacity_points (
        id INTEGER PRIMARY KEY,
        portal_id TEXT NOT NULL,
        t INTEGER NOT NULL,
        portal_allocated INTEGER NOT NULL,
        environments TEXT NOT NULL -- JSON: {name: {allocated, available, capacity}}
      );
      CREATE INDEX capacity_points_by_portal ON capacity_points (portal_id, t);
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        portal_id TEXT NOT NULL,
        environment TEXT,
        session TEXT,
        message TEXT NOT NULL,
        raised_at INTEGER NOT NULL
      );
    `);
  },
};
