import type { Migration } from './index';

/**
 * Each event's check-in page: its settings, whether it was running when the console stopped (it is started again
 * at the next start) and the port chosen for it once, so the address on the projector stays valid. The built-in
 * portal's gate on a shared address keeps its port the same way (attendees' open session pages go through it).
 */
export const checkinSchema: Migration = {
  version: 3,
  name: 'check-in pages',
  up(db) {
    db.exec(`
      CREATE TABLE checkin (
        event_id TEXT PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
        mode TEXT NOT NULL, -- 'code' | 'listed'
        code TEXT, -- null: no event code asked
        wanted INTEGER NOT NULL DEFAULT 0, -- 1: running when the console stopped
        address TEXT NOT NULL, -- 127.0.0.1, or the address it is shared on
        port INTEGER, -- chosen at the first start, then kept
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE checkin_gates (
        address TEXT PRIMARY KEY,
        port INTEGER NOT NULL
      );
    `);
  },
};
