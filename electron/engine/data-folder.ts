import path from 'node:path';
import {
  acquireDataLock,
  DataFolderBusyError,
  LOCK_FILE as CONSOLE_LOCK_FILE,
  processAlive,
  readLock,
  type DataLock,
  type LockHolder,
} from '../common/data-lock';

export { DataFolderBusyError } from '../common/data-lock';

/** The engine's own lock file in its data folder (the console's is `portal-console.lock`). */
export const ENGINE_LOCK_FILE = 'engine.lock';

function engineText(holder: LockHolder): { holder: string; otherFolder: string } {
  const started = holder.parent === undefined ? '' : `, started by portal-console process ${holder.parent}`;
  const who = holder.pid === 0 ? 'another portal engine that is starting' : `another portal engine (process ${holder.pid}${started})`;
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
    ...(startedByConsole ? { parent: process.ppid } : {}),
    describe: engineText,
  });
  if (!startedByConsole) {
    const consoleLock = path.join(dir, CONSOLE_LOCK_FILE);
    const holder = readLock(consoleLock);
    if (holder !== null && holder.pid !== process.pid && processAlive(holder.pid)) {
      lock.release();
      throw new DataFolderBusyError(dir, holder, consoleLock, {
        holder: `a running portal-console (${holder.mode ?? 'unknown mode'}, process ${holder.pid}) for its built-in engine`,
        otherFolder: '--data',
      });
    }
  }
  return lock;
}
