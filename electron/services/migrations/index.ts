import type Database from 'better-sqlite3';
import { eventsSchema } from './001-events';
import { historySchema } from './002-history';
import { checkinSchema } from './003-checkin';
import { liveviewSchema } from './004-liveview';

/** One step of console.db's schema; `version` is stored in `PRAGMA user_version` once applied. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/** In order, never edited once released: a change to the schema is a new, higher-numbered migration. */
export const MIGRATIONS: readonly Migration[] = [eventsSchema, historySchema, checkinSchema, liveviewSchema];
