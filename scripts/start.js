#!/usr/bin/env node
'use strict';
/**
 * `npm start`: builds when `dist/` is incomplete, then runs the console in Electron when an Electron binary is
 * installed, or else in web mode on loopback with one clear message saying so.
 * Also exports `findElectronBinary()` for the Electron test suite, so both decide the same way.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const BUILD_OUTPUTS = ['dist/electron/main.js', 'dist/electron/cli.js', 'dist/preload/preload.js', 'dist/renderer/index.html'];

/**
 * Where the `electron` package says its binary is, without letting it try a download: `require('electron')`
 * downloads when its `path.txt` is missing, which on a machine without network only prints a stack trace.
 * Honours ELECTRON_OVERRIDE_DIST_PATH as the package does. Returns `{ path }` or `{ reason }`.
 */
function findElectronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && !fs.existsSync(pathFile)) {
    return { reason: 'the electron package has no downloaded binary (node_modules/electron/path.txt is missing)' };
  }
  let binary;
  try {
    binary = require(require.resolve('electron', { paths: [root] }));
  } catch (err) {
    return { reason: `require('electron') failed: ${String(err && err.message ? err.message : err).split('\n')[0]}` };
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary)) {
    return { reason: `the Electron binary ${String(binary)} does not exist` };
  }
  return { path: binary };
}

function needsBuild() {
  return BUILD_OUTPUTS.some((file) => !fs.existsSync(path.join(root, file)));
}

function build() {
  process.stdout.write('portal-console: building (dist/ is missing or incomplete)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

/** Runs a child with our signals forwarded, and exits with its code. */
function runChild(cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const forward = (signal) => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
  child.on('error', (err) => {
    process.stderr.write(`portal-console: could not start ${cmd}: ${err.message}\n`);
    process.exitCode = 1;
  });
}

function main() {
  if (needsBuild() && !build()) {
    process.stderr.write('portal-console: the build failed; see above.\n');
    process.exitCode = 1;
    return;
  }
  const extra = process.argv.slice(2);
  const electron = findElectronBinary();
  if (electron.path) {
    runChild(electron.path, [root, ...extra], {});
    return;
  }
  process.stdout.write(
    `No Electron binary is installed on this machine (${electron.reason}); ` +
      'starting the console in web mode instead. Open: the address printed below ("console ready at …").\n',
  );
  runChild(process.execPath, [path.join(root, 'bin', 'portal-console.js'), 'web', '--open', ...extra], {});
}

module.exports = { findElectronBinary };

if (require.main === module) main();
