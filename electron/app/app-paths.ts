import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the console keeps its data. Electron's `userData` and web mode's default resolve to the same folder
 * (`<per-user app data>/portal-console`), so both modes see the same portals, settings and engine.
 */
export const APP_FOLDER_NAME = 'portal-console';

/** The per-user application data folder Electron calls `appData`. */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return env['APPDATA'] || path.join(os.homedir(), 'AppData', 'Roaming');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support');
  return env['XDG_CONFIG_HOME'] || path.join(os.homedir(), '.config');
}

export function defaultUserDataDir(): string {
  return path.join(appDataDir(), APP_FOLDER_NAME);
}

/** The console's own data (settings, history) under a user-data folder. */
export function consoleDataDir(userData: string): string {
  return path.join(userData, 'console');
}

/** The built-in engine's data (its SQLite database) under a user-data folder. */
export function engineDataDir(userData: string): string {
  return path.join(userData, 'engine');
}

/** The project root: two levels up from sources (`electron/app`), three from `dist/electron/app`. */
export function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i += 1) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the portal-console project folder above ${__dirname}`);
}

/** The built renderer that Electron loads and web mode serves. */
export function rendererDir(root: string = projectRoot()): string {
  return path.join(root, 'dist', 'renderer');
}

export function packageVersion(root: string = projectRoot()): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
