import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { APP_FOLDER_NAME, appDataDir, consoleDataDir, engineDataDir } from '../../electron/app/app-paths';

/**
 * Web mode's default data folder must be the one the packaged Electron app uses (main.ts sets userData to
 * `<Electron appData>/portal-console`), so both front doors see the same portals and engine. Electron's appData:
 * `%APPDATA%` on Windows, `~/Library/Application Support` on macOS, `$XDG_CONFIG_HOME` or `~/.config` elsewhere.
 */
test("appDataDir matches Electron's appData on each platform", () => {
  const cases: Array<[NodeJS.Platform, NodeJS.ProcessEnv, string]> = [
    ['linux', { XDG_CONFIG_HOME: '/x/config' }, '/x/config'],
    ['linux', {}, path.join(os.homedir(), '.config')],
    ['linux', { XDG_CONFIG_HOME: '' }, path.join(os.homedir(), '.config')],
    ['freebsd', {}, path.join(os.homedir(), '.config')],
    ['darwin', { XDG_CONFIG_HOME: '/ignored' }, path.join(os.homedir(), 'Library', 'Application Support')],
    ['win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u\\AppData\\Roaming'],
    // an empty APPDATA must not turn into a folder relative to wherever the console was started
    ['win32', { APPDATA: '' }, path.join(os.homedir(), 'AppData', 'Roaming')],
  ];
  for (const [platform, env, expected] of cases)
    assert.equal(appDataDir(env, platform), expected, `${platform} ${JSON.stringify(env)}`);
});

test('the console and the engine keep separate folders under one user-data folder', () => {
  const userData = path.join('/home/u/.config', APP_FOLDER_NAME);
  assert.equal(APP_FOLDER_NAME, 'portal-console');
  assert.equal(consoleDataDir(userData), path.join(userData, 'console'));
  assert.equal(engineDataDir(userData), path.join(userData, 'engine'));
});
