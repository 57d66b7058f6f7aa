import path from 'node:path';

/**
 * Whether an Electron binary can run here, decided exactly as `npm start` decides (scripts/start.js):
 * the `electron` package's `path.txt` read the way its `index.js` reads it (without loading that module, which
 * downloads), ELECTRON_OVERRIDE_DIST_PATH honoured, then the binary must exist. Never triggers a download.
 */
export const projectRoot = path.resolve(__dirname, '..', '..');

export function findElectronBinary(): { path?: string; reason?: string } {
  const start = require(path.join(projectRoot, 'scripts', 'start.js')) as {
    findElectronBinary(): { path?: string; reason?: string };
  };
  return start.findElectronBinary();
}
