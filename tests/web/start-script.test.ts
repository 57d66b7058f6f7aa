import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * `npm start`'s Electron detection (scripts/start.js, shared with the Electron suite) against fake `electron`
 * packages. Loading the real package's index.js starts a download whenever its binary is missing, so the fake
 * index.js records being loaded: detection must decide from files alone and never load it.
 */
const start = require(path.resolve(__dirname, '..', '..', 'scripts', 'start.js')) as {
  findElectronBinary(options?: { root?: string; env?: NodeJS.ProcessEnv }): { path?: string; reason?: string };
};

function fakeProject(
  t: { after(fn: () => void): void },
  files: Record<string, string>,
): { root: string; loadedMarker: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-start-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const pkg = path.join(root, 'node_modules', 'electron');
  const loadedMarker = path.join(root, 'index-was-loaded');
  const all: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'electron', version: '0.0.0-test', main: 'index.js' }),
    'index.js':
      `require('node:fs').writeFileSync(${JSON.stringify(loadedMarker)}, 'download attempted'); ` +
      "module.exports = 'x';",
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(pkg, name)), { recursive: true });
    fs.writeFileSync(path.join(pkg, name), text);
  }
  return { root, loadedMarker };
}

test('no electron package, or one without path.txt: a reason, and nothing is loaded', (t) => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-start-none-'));
  t.after(() => fs.rmSync(empty, { recursive: true, force: true }));
  assert.match(start.findElectronBinary({ root: empty, env: {} }).reason ?? '', /not installed/);
  const p = fakeProject(t, {});
  const r = start.findElectronBinary({ root: p.root, env: {} });
  assert.match(r.reason ?? '', /path\.txt is missing/);
  assert.equal(fs.existsSync(p.loadedMarker), false);
});

test('path.txt naming a binary that is not in dist/ gives a reason instead of a download', (t) => {
  const p = fakeProject(t, { 'path.txt': 'electron' });
  const r = start.findElectronBinary({ root: p.root, env: {} });
  assert.equal(r.path, undefined);
  assert.match(r.reason ?? '', /dist[/\\]electron does not exist/);
  assert.equal(fs.existsSync(p.loadedMarker), false, 'the electron package was loaded (it would start a download)');
});

test('a downloaded binary is found through path.txt', (t) => {
  const p = fakeProject(t, { 'path.txt': 'electron', 'dist/electron': '#!/bin/sh\n' });
  assert.deepEqual(start.findElectronBinary({ root: p.root, env: {} }), {
    path: path.join(p.root, 'node_modules', 'electron', 'dist', 'electron'),
  });
  assert.equal(fs.existsSync(p.loadedMarker), false);
});

test('ELECTRON_OVERRIDE_DIST_PATH is honoured as the electron package honours it', (t) => {
  const p = fakeProject(t, {});
  const override = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-start-override-'));
  t.after(() => fs.rmSync(override, { recursive: true, force: true }));
  const env = { ELECTRON_OVERRIDE_DIST_PATH: override };
  assert.match(start.findElectronBinary({ root: p.root, env }).reason ?? '', /does not exist/);
  fs.writeFileSync(path.join(override, 'electron'), '#!/bin/sh\n');
  // without path.txt the binary is <override>/electron
  assert.deepEqual(start.findElectronBinary({ root: p.root, env }), { path: path.join(override, 'electron') });
  // with path.txt, <override>/<its content> (macOS: Electron.app/Contents/MacOS/Electron)
  const withPathTxt = fakeProject(t, { 'path.txt': 'Electron.app/Contents/MacOS/Electron' });
  assert.match(start.findElectronBinary({ root: withPathTxt.root, env }).reason ?? '', /Electron\.app.*does not exist/);
  fs.mkdirSync(path.join(override, 'Electron.app', 'Contents', 'MacOS'), { recursive: true });
  fs.writeFileSync(path.join(override, 'Electron.app', 'Contents', 'MacOS', 'Electron'), '');
  assert.deepEqual(start.findElectronBinary({ root: withPathTxt.root, env }), {
    path: path.join(override, 'Electron.app', 'Contents', 'MacOS', 'Electron'),
  });
  // a folder where the binary should be is not a binary
  fs.rmSync(path.join(override, 'electron'));
  fs.mkdirSync(path.join(override, 'electron'));
  assert.match(start.findElectronBinary({ root: p.root, env }).reason ?? '', /not a file/);
  assert.equal(fs.existsSync(p.loadedMarker) || fs.existsSync(withPathTxt.loadedMarker), false);
});

test('`npm start` without a usable binary says why and falls back to web mode', (t) => {
  const missing = path.join(os.tmpdir(), 'pc-no-electron-here');
  const root = path.resolve(__dirname, '..', '..');
  if (!fs.existsSync(path.join(root, 'dist', 'electron', 'cli.js'))) {
    t.skip('dist/ is not built (npm test builds first)');
    return;
  }
  // `--help` reaches the web command, which prints its usage and exits instead of serving
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'start.js'), '--help'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: missing },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(
      'No Electron binary is installed on this machine \\(' +
        `the Electron binary ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[/\\\\]electron does not exist\\); ` +
        'starting the console in web mode instead',
    ),
  );
  assert.match(r.stdout, /Usage: portal-console web/);
});

test('`npm start` with ELECTRON_OVERRIDE_DIST_PATH runs that binary on the project, as an app', (t) => {
  const root = path.resolve(__dirname, '..', '..');
  if (!fs.existsSync(path.join(root, 'dist', 'electron', 'main.js'))) {
    t.skip('dist/ is not built (npm test builds first)');
    return;
  }
  if (process.platform === 'win32') {
    t.skip('the fake binary is a shell script');
    return;
  }
  const override = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-start-fake-electron-'));
  t.after(() => fs.rmSync(override, { recursive: true, force: true }));
  // path.txt names the binary inside the override folder, as the electron package does
  const pathTxt = path.join(root, 'node_modules', 'electron', 'path.txt');
  const name = fs.existsSync(pathTxt) ? fs.readFileSync(pathTxt, 'utf8').trim() : 'electron';
  const fake = path.join(override, name);
  fs.mkdirSync(path.dirname(fake), { recursive: true });
  fs.writeFileSync(fake, '#!/bin/sh\necho "fake-electron run-as-node=[${ELECTRON_RUN_AS_NODE}] args=[$*]"\n', {
    mode: 0o755,
  });
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'start.js'), '--extra-flag'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: override, ELECTRON_RUN_AS_NODE: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /web mode/);
  assert.equal(r.stdout.trim(), `fake-electron run-as-node=[] args=[${root} --extra-flag]`);
});
