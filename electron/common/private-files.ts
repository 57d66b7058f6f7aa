import fs from 'node:fs';

/**
 * The console's folders are readable by their owner only (0700) and its files 0600. Threat: other local users
 * reading what the console keeps (portal list and addresses, the launcher page that carries the web token, lock
 * files naming processes) or, in a folder they can write, replacing settings.json. A folder or file that already
 * exists with looser modes (made by hand, by an older version, or under a lax umask) is tightened, not trusted.
 * Windows has no POSIX modes; its per-user profile folders are private already.
 */
const POSIX = process.platform !== 'win32';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) 0700, or tightens an existing one to 0700. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!POSIX) return;
  const mode = fs.statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  try {
    fs.chmodSync(dir, PRIVATE_DIR_MODE);
  } catch (err) {
    throw new Error(
      `the data folder ${dir} is open to other users (mode ${mode.toString(8)}) and could not be made private ` +
        `(${(err as NodeJS.ErrnoException).code ?? String(err)}): use a folder of your own`,
    );
  }
}

/** Tightens an existing file to 0600; a missing file is fine. */
export function ensurePrivateFile(file: string): void {
  if (!POSIX) return;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat && (stat.mode & 0o077) !== 0) fs.chmodSync(file, PRIVATE_FILE_MODE);
}
