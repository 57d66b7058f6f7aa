import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files';

/**
 * One owner per data folder, shared by the console (`portal-console.lock`) and the built-in engine
 * (`engine.lock`), which is why it lives here and not with either of them: the engine never imports the console.
 *
 * Threat/cost: two consoles (two `portal-console web`, or web mode beside the Electron app, which share
 * `<appData>/portal-console` by default), or two engines, on one folder would each run on the same SQLite
 * database, hand out the same session names to different people and overwrite each other's data. Electron's
 * single-instance lock covers only Electron, so every front door takes a lock file too.
 *
 * The lock is a file created exclusively (`wx`) holding the owner's pid. A lock whose process is gone (it was
 * killed) is stale and taken over; a live one refuses with a message naming the process.
 */
export const LOCK_FILE = 'portal-console.lock';

export interface DataLock {
  readonly file: string;
  /** removes the lock file if it is still ours; safe to call twice */
  release(): void;
}

export interface LockHolder {
  pid: number;
  mode?: string;
  /** the process that started the holder (the engine records its parent) */
  parent?: number;
}

/** How a busy folder is described: who holds it and what to do about it. */
export interface BusyText {
  /** e.g. "another portal-console (web, process 1234)" */
  holder: string;
  /** e.g. "web mode: --data" */
  otherFolder: string;
}

function consoleText(holder: LockHolder): BusyText {
  return {
    holder: `another portal-console (${holder.mode ?? 'unknown mode'}, process ${holder.pid})`,
    otherFolder: 'web mode: --data',
  };
}

export class DataFolderBusyError extends Error {
  readonly pid: number;
  readonly file: string;
  constructor(
    dir: string,
    holder: LockHolder,
    file: string = path.join(dir, LOCK_FILE),
    text: BusyText = consoleText(holder),
  ) {
    super(
      `the data folder ${dir} is in use by ${text.holder}; stop that one first, ` +
        `or pick another folder (${text.otherFolder}). ` +
        `If no such process runs, delete ${file}.`,
    );
    this.name = 'DataFolderBusyError';
    this.pid = holder.pid;
    this.file = file;
  }
}

/** Files this process holds, so a second acquire in the same process is refused too. */
const held = new Set<string>();

/** The holder recorded in a lock file, or null when there is none or it cannot be read. */
export function readLock(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; mode?: unknown; parent?: unknown };
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return {
      pid: parsed.pid,
      ...(typeof parsed.mode === 'string' ? { mode: parsed.mode } : {}),
      ...(typeof parsed.parent === 'number' && Number.isInteger(parsed.parent) ? { parent: parsed.parent } : {}),
    };
  } catch {
    return null;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still counts as alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface AcquireOptions {
  /** shown to whoever finds the folder busy: 'web' or 'electron' (console), 'engine' */
  mode: string;
  /** the lock file's name in the folder; default `portal-console.lock` */
  fileName?: string;
  /** recorded with the pid (the engine records the process that started it) */
  parent?: number;
  /** how a busy folder is described; default: as another portal-console */
  describe?: (holder: LockHolder) => BusyText;
  /** injectable for tests */
  isAlive?: (pid: number) => boolean;
  /**
   * Make the folder private (0700), tightening one that already exists (default true: the console's folders). The
   * engine passes false: it applies its own rule, since `--data` may name a folder that holds other things.
   */
  privateFolder?: boolean;
}

export function acquireDataLock(dir: string, options: AcquireOptions): DataLock {
  const resolved = path.resolve(dir);
  // The folder the lock guards is the console's (or its engine's): private, even if it existed before.
  if (options.privateFolder === false) fs.mkdirSync(resolved, { recursive: true, mode: PRIVATE_DIR_MODE });
  else ensurePrivateDir(resolved);
  const file = path.join(resolved, options.fileName ?? LOCK_FILE);
  const isAlive = options.isAlive ?? processAlive;
  const describe = options.describe ?? consoleText;
  const content = JSON.stringify({
    pid: process.pid,
    mode: options.mode,
    ...(options.parent !== undefined ? { parent: options.parent } : {}),
  });

  for (let attempt = 0; ; attempt += 1) {
    try {
      fs.writeFileSync(file, content, { flag: 'wx', mode: PRIVATE_FILE_MODE });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const holder = readLock(file);
    // An unreadable lock younger than a few seconds is another process between creating and writing it.
    if (!holder && Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 5_000) {
      const starting = { pid: 0, mode: 'starting' };
      throw new DataFolderBusyError(resolved, starting, file, describe(starting));
    }
    const ours = holder?.pid === process.pid;
    if (holder && ((ours && held.has(file)) || (!ours && isAlive(holder.pid)))) {
      throw new DataFolderBusyError(resolved, holder, file, describe(holder));
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
