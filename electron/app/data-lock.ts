import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../services/private-files';

/**
 * One console per data folder. Threat/cost: two consoles (two `portal-console web`, or web mode beside the
 * Electron app, which share `<appData>/portal-console` by default) on one folder would each start an engine on
 * the same SQLite database and overwrite each other's settings and portal list. Electron's single-instance lock
 * covers only Electron, so both front doors take this lock file too.
 *
 * The lock is a file created exclusively (`wx`) holding the owner's pid. A lock whose process is gone (the
 * console was killed) is stale and taken over; a live one refuses with a message naming the process.
 */
export const LOCK_FILE = 'portal-console.lock';

export interface DataLock {
  readonly file: string;
  /** removes the lock file if it is still ours; safe to call twice */
  release(): void;
}

export class DataFolderBusyError extends Error {
  readonly pid: number;
  constructor(dir: string, holder: { pid: number; mode?: string }) {
    super(
      `the data folder ${dir} is in use by another portal-console (${holder.mode ?? 'unknown mode'}, process ${holder.pid}); ` +
        `stop that one first, or pick another folder (web mode: --data). If no such process runs, delete ${path.join(dir, LOCK_FILE)}.`,
    );
    this.name = 'DataFolderBusyError';
    this.pid = holder.pid;
  }
}

interface LockContent {
  pid: number;
  mode?: string;
}

/** Files this process holds, so a second acquire in the same process is refused too. */
const held = new Set<string>();

function readLock(file: string): LockContent | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; mode?: unknown };
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return { pid: parsed.pid, ...(typeof parsed.mode === 'string' ? { mode: parsed.mode } : {}) };
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still counts as alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface AcquireOptions {
  /** shown to whoever finds the folder busy: 'web' or 'electron' */
  mode: string;
  /** injectable for tests */
  isAlive?: (pid: number) => boolean;
}

export function acquireDataLock(dir: string, options: AcquireOptions): DataLock {
  const resolved = path.resolve(dir);
  // The folder the lock guards is the console's (or its engine's): private, even if it existed before.
  ensurePrivateDir(resolved);
  const file = path.join(resolved, LOCK_FILE);
  const isAlive = options.isAlive ?? processAlive;
  const content = JSON.stringify({ pid: process.pid, mode: options.mode });

  for (let attempt = 0; ; attempt += 1) {
    try {
      fs.writeFileSync(file, content, { flag: 'wx', mode: PRIVATE_FILE_MODE });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const holder = readLock(file);
    // An unreadable lock younger than a few seconds is another console between creating and writing it.
    if (!holder && Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 5_000) {
      throw new DataFolderBusyError(resolved, { pid: 0, mode: 'starting' });
    }
    const ours = holder?.pid === process.pid;
    if (holder && ((ours && held.has(file)) || (!ours && isAlive(holder.pid)))) {
      throw new DataFolderBusyError(resolved, holder);
    }
    // Stale (its process is gone) or unreadable: take it over, once.
    fs.rmSync(file, { force: true });
  }

  held.add(file);
  const release = () => {
    if (!held.delete(file)) return;
    process.off('exit', release);
    try {
      if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // Best effort: a lock left behind is stale once this process is gone.
    }
  };
  // app.exit() and process.exit() skip orderly shutdown; the lock goes with the process anyway.
  process.once('exit', release);
  return { file, release };
}
