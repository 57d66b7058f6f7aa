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
const BUILD_OUTPUTS = [
  'dist/electron/main.js',
  'dist/electron/cli.js',
  'dist/preload/preload.js',
  'dist/renderer/index.html',
];

/**
 * Where the `electron` package would find its binary, decided as its `index.js` decides but WITHOUT loading it:
 * that module starts a download (`install.js`, from GitHub) whenever `path.txt` is missing or names a binary that
 * is not in `dist/`, which on a machine without network hangs or ends in a stack trace instead of web mode.
 * Honours ELECTRON_OVERRIDE_DIST_PATH as the package does: `<override>/<path.txt or "electron">`.
 * Returns `{ path }` or `{ reason }`. `options` (root, env) exist for tests.
 */
function findElectronBinary(options = {}) {
  const from = options.root || root;
  const env = options.env || process.env;
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json', { paths: [from] }));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  let executable = '';
  try {
    executable = fs.readFileSync(pathFile, 'utf8').trim();
  } catch {
    // no path.txt: the package's binary was never downloaded
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  let binary;
  if (override) {
    binary = path.join(override, executable || 'electron');
  } else if (executable) {
    binary = path.join(pkgDir, 'dist', executable);
  } else {
    return { reason: 'the electron package has no downloaded binary (node_modules/electron/path.txt is missing)' };
  }
  let stat;
  try {
    stat = fs.statSync(binary);
  } catch {
    return { reason: `the Electron binary ${binary} does not exist` };
  }
  if (!stat.isFile()) return { reason: `the Electron binary ${binary} is not a file` };
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
function runChild(cmd, args, env, unset = []) {
  const childEnv = { ...process.env, ...env };
  for (const name of unset) delete childEnv[name];
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: childEnv });
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
    // ELECTRON_RUN_AS_NODE (set in some editors' terminals) would make the binary a plain Node that tries to run
    // the project folder as a script: the app must start as an app.
    runChild(electron.path, [root, ...extra], {}, ['ELECTRON_RUN_AS_NODE']);
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
