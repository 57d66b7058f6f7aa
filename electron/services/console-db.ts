import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export const CONSOLE_DB_FILE = 'console.db';

export interface ConsoleDb {
  db: Db;
  file: string;
  /** set when an unreadable console.db was moved aside and a new one started */
  warning: string | null;
  close(): void;
}

export interface OpenOptions {
  now?: () => number;
  /** the migrations to apply (tests build a database of an older version with a prefix of MIGRATIONS) */
  migrations?: readonly Migration[];
}

/** SQLite's own answers for a file that is not a database (or a damaged one) */
const UNREADABLE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * `<dataDir>/console.db`: events, attendees, allocations (and later capacity history and alerts). The files hold
 * activation links, which carry their activation tokens: they are 0600 in a 0700 folder. WAL with
 * `synchronous=NORMAL`: a commit is in the WAL file before the call returns, so a killed console (even
 * `kill -9`) loses nothing it committed; only an OS crash or power cut can lose the last commits.
 */
export function openConsoleDb(dataDir: string, options: OpenOptions = {}): ConsoleDb {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, CONSOLE_DB_FILE);
  const migrations = options.migrations ?? MIGRATIONS;
  try {
    return { ...open(file, migrations), warning: null };
  } catch (err) {
    if (!UNREADABLE.has((err as { code?: unknown }).code as string)) throw err;
  }
  // Kept for reference (never deleted), as settings.json is: the console starts on an empty database.
  const stamp = new Date((options.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, aside + suffix);
  }
  return {
    ...open(file, migrations),
    warning:
      `${CONSOLE_DB_FILE} could not be read as a database; it was moved aside to ${path.basename(aside)} and events ` +
      'start empty (the old file is kept for reference).',
  };
}

function open(file: string, migrations: readonly Migration[]): { db: Db; file: string; close(): void } {
  // Created 0600 before SQLite sees it; SQLite gives its -wal and -shm files the database file's mode.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  const db = new Database(file);
  try {
    // read first: a database this version cannot use is refused before anything is written to it
    refuseNewer(db, migrations);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    for (const suffix of ['', '-wal', '-shm']) {
      if (fs.existsSync(file + suffix)) fs.chmodSync(file + suffix, 0o600);
    }
  } catch (err) {
    db.close();
    throw err;
  }
  let closed = false;
  return {
    db,
    file,
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the numbered migrations the database has not seen yet, each in its own transaction together with the
 * new `user_version`, so a crash mid-way leaves the database at the previous version, never half-migrated.
 */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = refuseNewer(db, migrations);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

function refuseNewer(db: Db, migrations: readonly Migration[]): number {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `${CONSOLE_DB_FILE} was written by a newer portal-console (schema ${current}; this version knows up to ` +
        `${latest}): use the newer version, or move the file aside to start without its events`,
    );
  }
  return current;
}
