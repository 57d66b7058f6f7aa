import fs from 'node:fs';
import path from 'node:path';
import {
  acquireDataLock,
  DataFolderBusyError,
  LOCK_FILE as CONSOLE_LOCK_FILE,
  processAlive,
  readLock,
  type DataLock,
  type LockHolder,
} from '../../common/data-lock';

export { DataFolderBusyError } from '../../common/data-lock';

/** The engine's own lock file in its data folder (the console's is `portal-console.lock`). */
export const ENGINE_LOCK_FILE = 'engine.lock';

function engineText(holder: LockHolder): { holder: string; otherFolder: string } {
  const started = holder.parent === undefined ? '' : `, started by portal-console process ${holder.parent}`;
  const who =
    holder.pid === 0
      ? 'another portal engine that is starting'
      : `another portal engine (process ${holder.pid}${started})`;
  return { holder: who, otherFolder: '--data' };
}

/**
 * One engine per data folder, taken before the database is opened or anything is written. Two engines on one
 * folder would hand the same session names to different people and lose each other's commits.
 *
 * Two layers: this lock file (pid, created exclusively, stale once its process is gone) gives a message naming the
 * holder; SQLite's exclusive locking mode (see `openDatabase`) is the operating system's guarantee, which ends with
 * the process however it ends. The console locks the engine's folder (`portal-console.lock`) before it starts its
 * engine as a child and keeps that lock across restarts of a crashed engine: a headless engine honours it, the
 * console's own child (`startedByConsole`) does not refuse its parent's lock.
 */
export function lockDataFolder(dataDir: string, startedByConsole: boolean): DataLock {
  const dir = path.resolve(dataDir);
  const lock = acquireDataLock(dir, {
    mode: 'engine',
    fileName: ENGINE_LOCK_FILE,
    privateFolder: false,
    ...(startedByConsole ? { parent: process.ppid } : {}),
    describe: engineText,
  });
  if (!startedByConsole) {
    const consoleLock = path.join(dir, CONSOLE_LOCK_FILE);
    const holder = readLock(consoleLock);
    if (holder !== null && holder.pid !== process.pid && processAlive(holder.pid)) {
      lock.release();
      throw new DataFolderBusyError(dir, holder, consoleLock, {
        holder:
          `a running portal-console (${holder.mode ?? 'unknown mode'}, process ${holder.pid}) ` +
          'for its built-in engine',
        otherFolder: '--data',
      });
    }
  }
  return lock;
}

/** What the engine keeps in its folder; a folder holding anything else is not the engine's to tighten. */
const ENGINE_FILES =
  /^(portal\.db(-wal|-shm|-journal)?|credentials\.json(\.[0-9a-f]+\.tmp)?|engine\.lock|portal-console\.lock)$/;
/** Files that hold secrets or personal data: the database and its WAL (activation tokens, attendee emails). */
const PRIVATE_FILES = ['portal.db', 'portal.db-wal', 'portal.db-shm', 'portal.db-journal', 'credentials.json'];

/**
 * Modes that do not depend on the umask: the database, its WAL and the credentials 0600, the folder 0700. An
 * existing database or WAL from an earlier run (created 0644 before this rule) is tightened too. The folder is
 * tightened only when it holds nothing but the engine's files: `--data .` or a shared folder is the user's, not
 * ours to lock them out of, and there the 0600 files are what protects the data. Call with the folder lock held
 * and before the database is opened; SQLite creates the WAL with the database file's mode.
 */
export function secureDataFolder(dataDir: string, log: (line: string) => void): void {
  if (process.platform === 'win32') return; // modes are not how Windows protects a user's files
  const dir = path.resolve(dataDir);
  const db = path.join(dir, 'portal.db');
  try {
    fs.closeSync(fs.openSync(db, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  for (const name of PRIVATE_FILES) {
    const file = path.join(dir, name);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat !== undefined && (stat.mode & 0o777) !== 0o600) fs.chmodSync(file, 0o600);
  }
  const mode = fs.statSync(dir).mode & 0o777;
  if (mode === 0o700) return;
  const others = fs.readdirSync(dir).filter((name) => !ENGINE_FILES.test(name));
  if (others.length === 0) {
    fs.chmodSync(dir, 0o700);
  } else if ((mode & 0o077) !== 0) {
    log(
      `the data folder ${dir} is open to other users (mode ${mode.toString(8)}) and holds other files, ` +
        'so it is left as it is; ' +
        'the database and credentials in it are readable by you only',
    );
  }
}
