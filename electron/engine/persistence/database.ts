import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * SQLite in `<dataDir>/portal.db`, WAL mode. `synchronous=NORMAL`: every commit is in the WAL before the
 * reply is sent, so a killed process (even `kill -9`) loses nothing; only an OS crash or power loss can lose
 * the last transactions (the WAL is not fsynced on every commit). That trade-off buys the allocation rate.
 */
export type Db = Database.Database;

// Session and user names are unique by construction and looked up in memory only (the whole state is
// loaded at start), so they carry no UNIQUE index: each index would cost extra page writes on every commit.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS portal (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL, uid TEXT NOT NULL, generation INTEGER NOT NULL, config_hash TEXT NOT NULL, settings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_clients (
  client_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, user_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY, username TEXT NOT NULL, password_hash TEXT,
  is_staff INTEGER NOT NULL, is_robot INTEGER NOT NULL, is_anonymous INTEGER NOT NULL,
  email TEXT NOT NULL, first_name TEXT NOT NULL, last_name TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS workshops (name TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS environments (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, workshop TEXT NOT NULL, alias TEXT, position INTEGER NOT NULL,
  state INTEGER NOT NULL, capacity INTEGER NOT NULL, reserved INTEGER NOT NULL, initial INTEGER NOT NULL,
  expires INTEGER NOT NULL, overtime INTEGER NOT NULL, deadline INTEGER NOT NULL, orphaned INTEGER NOT NULL,
  overdue INTEGER NOT NULL, labels TEXT NOT NULL, tally INTEGER NOT NULL, created_at INTEGER NOT NULL, ready_at INTEGER
);
CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, environment_id INTEGER NOT NULL, state INTEGER NOT NULL,
  owner_id INTEGER, token TEXT, started INTEGER, expires INTEGER, created_at INTEGER NOT NULL,
  index_url TEXT, analytics_url TEXT, params TEXT NOT NULL, config_password TEXT NOT NULL,
  transition_at INTEGER, stopped_at INTEGER, activate_when_ready INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_tokens (
  hash TEXT PRIMARY KEY, kind TEXT NOT NULL, user_id INTEGER NOT NULL, expires_at INTEGER NOT NULL, pair TEXT
);
CREATE TABLE IF NOT EXISTS browser_sessions (
  hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL, expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, timestamp INTEGER NOT NULL, user TEXT, session TEXT,
  environment TEXT, workshop TEXT, data TEXT NOT NULL
);
`;

export const DATABASE_FILE = 'portal.db';

/**
 * Opens the database and takes SQLite's exclusive lock on it for as long as the connection lives: the operating
 * system's guarantee (it ends with the process however the process ends) that no second engine writes to the
 * same file. In exclusive locking mode WAL keeps its index in this process's memory, so there is no `-shm` file.
 */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, DATABASE_FILE);
  const db = new Database(file);
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('busy_timeout = 0');
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    db.close();
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new Error(`the database ${file} is locked by another process (another engine on the same data folder?)`);
    }
    throw err;
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -32000'); // 32 MB: the hot pages of a busy event stay in memory
  // Checkpoint less often: the same hot pages are rewritten by every commit, so a larger WAL between
  // checkpoints means far fewer page writes (and fsyncs) in total. Reads stay fast through the WAL index.
  db.pragma('wal_autocheckpoint = 8000');
  db.exec(SCHEMA);
  return db;
}

export interface Statements {
  selectPortal: Database.Statement;
  selectClient: Database.Statement;
  selectWorkshops: Database.Statement;
  selectUsers: Database.Statement;
  selectEnvironments: Database.Statement;
  selectSessions: Database.Statement;
  upsertPortal: Database.Statement;
  deleteClients: Database.Statement;
  insertClient: Database.Statement;
  upsertWorkshop: Database.Statement;
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
  upsertUser: Database.Statement;
  upsertEnvironment: Database.Statement;
  updateTally: Database.Statement;
  upsertSession: Database.Statement;
  deleteSession: Database.Statement;
  deleteUser: Database.Statement;
  insertToken: Database.Statement;
  deleteToken: Database.Statement;
  deleteExpiredTokens: Database.Statement;
  insertBrowserSession: Database.Statement;
  deleteBrowserSession: Database.Statement;
  deleteExpiredBrowserSessions: Database.Statement;
}

export function prepareStatements(db: Db): Statements {
  return {
    selectPortal: db.prepare('SELECT name, uid, generation, config_hash, settings FROM portal WHERE id = 1'),
    selectClient: db.prepare('SELECT client_id, secret_hash FROM oauth_clients LIMIT 1'),
    selectWorkshops: db.prepare('SELECT name, definition FROM workshops'),
    selectUsers: db.prepare('SELECT * FROM users'),
    selectEnvironments: db.prepare('SELECT * FROM environments ORDER BY id'),
    selectSessions: db.prepare('SELECT * FROM sessions ORDER BY id'),
    upsertPortal: db.prepare(
      'INSERT OR REPLACE INTO portal (id, name, uid, generation, config_hash, settings) VALUES (1, ?, ?, ?, ?, ?)',
    ),
    deleteClients: db.prepare('DELETE FROM oauth_clients'),
    insertClient: db.prepare('INSERT INTO oauth_clients (client_id, secret_hash, user_id) VALUES (?, ?, ?)'),
    upsertWorkshop: db.prepare('INSERT OR REPLACE INTO workshops (name, definition) VALUES (?, ?)'),
    begin: db.prepare('BEGIN'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    upsertUser: db.prepare(
      `INSERT INTO users (id, username, password_hash, is_staff, is_robot, is_anonymous, email, first_name, last_name,
       created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET password_hash = excluded.password_hash, is_staff = excluded.is_staff,
       is_robot = excluded.is_robot, is_anonymous = excluded.is_anonymous`,
    ),
    upsertEnvironment: db.prepare(
      `INSERT OR REPLACE INTO environments (id, name, workshop, alias, position, state, capacity, reserved, initial,
       expires, overtime, deadline, orphaned, overdue, labels, tally, created_at, ready_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateTally: db.prepare('UPDATE environments SET tally = ? WHERE id = ?'),
    // a real UPSERT: REPLACE would delete and re-insert the row and its index entries on every change
    upsertSession: db.prepare(
      `INSERT INTO sessions (id, name, environment_id, state, owner_id, token, started, expires, created_at, index_url,
       analytics_url, params, config_password, transition_at, stopped_at, activate_when_ready)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET state = excluded.state, owner_id = excluded.owner_id, token = excluded.token,
       started = excluded.started, expires = excluded.expires, index_url = excluded.index_url,
       analytics_url = excluded.analytics_url, params = excluded.params, transition_at = excluded.transition_at,
       stopped_at = excluded.stopped_at, activate_when_ready = excluded.activate_when_ready`,
    ),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
    deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
    insertToken: db.prepare(
      'INSERT OR REPLACE INTO oauth_tokens (hash, kind, user_id, expires_at, pair) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteToken: db.prepare('DELETE FROM oauth_tokens WHERE hash = ?'),
    deleteExpiredTokens: db.prepare('DELETE FROM oauth_tokens WHERE expires_at <= ?'),
    insertBrowserSession: db.prepare(
      'INSERT OR REPLACE INTO browser_sessions (hash, user_id, expires_at) VALUES (?, ?, ?)',
    ),
    deleteBrowserSession: db.prepare('DELETE FROM browser_sessions WHERE hash = ?'),
    deleteExpiredBrowserSessions: db.prepare('DELETE FROM browser_sessions WHERE expires_at <= ?'),
  };
}
