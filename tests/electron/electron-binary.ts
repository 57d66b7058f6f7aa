import path from 'node:path';

/**
 * Whether an Electron binary can run here, decided exactly as `npm start` decides (scripts/start.js):
 * `require.resolve('electron')`, then `require('electron')` in a try/catch (it returns the binary's path or
 * throws), then the path must exist; ELECTRON_OVERRIDE_DIST_PATH is honoured. Never triggers a download.
 */
export const projectRoot = path.resolve(__dirname, '..', '..');

export function findElectronBinary(): { path?: string; reason?: string } {
  const start = require(path.join(projectRoot, 'scripts', 'start.js')) as {
    findElectronBinary(): { path?: string; reason?: string };
  };
  return start.findElectronBinary();
}
