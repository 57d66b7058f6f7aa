import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { rawRequest, startTestConsole } from './web-helpers';

/** `portal-console web` as a user runs it (from the TypeScript sources, as tests do). */
const root = path.resolve(__dirname, '..', '..');
const entry = path.join(root, 'electron', 'cli-entry.ts');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('`web --help` documents every option; a bad option exits 2', () => {
  const help = spawnSync(process.execPath, ['--import', 'tsx', entry, 'web', '--help'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(help.status, 0);
  const options = [
    '--port',
    '--host',
    '--data',
    '--engine-data',
    '--engine-config',
    '--engine-dialect',
    '--no-engine',
    '--open',
  ];
  for (const option of [...options, '--help']) {
    assert.match(help.stdout, new RegExp(`\\s${option}\\b`), option);
  }
  const bad = spawnSync(process.execPath, ['--import', 'tsx', entry, 'web', '--port', 'eighty'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--port must be a number/);
  const dialect = spawnSync(process.execPath, ['--import', 'tsx', entry, 'web', '--engine-dialect', 'tanzu'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(dialect.status, 2);
  assert.match(dialect.stderr, /--engine-dialect must be educates or learningcenter, not "tanzu"/);
  const unknown = spawnSync(process.execPath, ['--import', 'tsx', entry, 'web', '--bogus'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(unknown.status, 2);
});

test('`web` prints the address once, serves the console, and closes everything on SIGTERM', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-web-cli-'));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'web', '--port', '0', '--data', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    // no keychain for this run: secrets stay in memory
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const m = /console ready at http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})\n/.exec(stdout);
      if (m && /stop with Ctrl\+C/.test(stdout)) resolve(m);
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`web exited early (${String(code)}): ${stderr}`)));
  });
  const port = Number(ready[1]);
  const token = ready[2] ?? '';
  assert.match(stdout, new RegExp(`data folder: ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const engineUrl = /built-in engine at (http:\/\/127\.0\.0\.1:(\d+)\S*)/.exec(stdout);
  assert.ok(engineUrl, 'the engine address is printed');
  // the token appears exactly once in all output
  assert.equal((stdout + stderr).split(token).length - 1, 1);

  const info = await rawRequest({
    port,
    method: 'POST',
    path: '/api/invoke/app.info',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{}',
  });
  assert.equal(info.status, 200);
  assert.equal((JSON.parse(info.body) as { data: { mode: string } }).data.mode, 'web');

  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(await portOpen(port), false, 'the web server is closed');
  assert.equal(await portOpen(Number(engineUrl[2])), false, 'the engine is closed');
});

test(
  '`web --open` hands the browser a private launcher file, never the token on a command line',
  { skip: process.platform !== 'linux' && 'xdg-open is the Linux opener', timeout: 60_000 },
  async (t) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-web-open-'));
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-web-open-bin-'));
    t.after(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(bin, { recursive: true, force: true });
    });
    // a fake opener that records the command line the browser would have been started with
    const argvFile = path.join(bin, 'argv.txt');
    fs.writeFileSync(
      path.join(bin, 'xdg-open'),
      `#!/bin/sh\nprintf '%s' "$*" > '${argvFile}.tmp' && mv '${argvFile}.tmp' '${argvFile}'\n`,
      { mode: 0o755 },
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', entry, 'web', '--port', '0', '--data', dataDir, '--no-engine', '--open'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`,
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
        },
      },
    );
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /console ready at (\S+)\n/.exec(stdout);
        if (m && /stop with Ctrl\+C/.test(stdout)) resolve(m[1] ?? '');
      });
      void exited.then((code) => reject(new Error(`web exited early (${String(code)})`)));
    });
    const token = /#token=(.+)$/.exec(url)?.[1] ?? '';
    assert.ok(token.length > 0);
    // the opener runs detached: wait for the file it writes
    const argv = await new Promise<string>((resolve) => {
      const poll = () => (fs.existsSync(argvFile) ? resolve(fs.readFileSync(argvFile, 'utf8')) : setTimeout(poll, 20));
      poll();
    });
    assert.equal(argv.includes(token), false, 'the token is on the browser command line');
    assert.match(argv, /^file:\/\//);
    const launcher = new URL(argv);
    const file = decodeURIComponent(launcher.pathname);
    assert.equal(path.dirname(file), dataDir);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const html = fs.readFileSync(file, 'utf8');
    assert.match(
      html,
      new RegExp(`<meta http-equiv="refresh" content="0;url=${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">`),
    );
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(fs.existsSync(file), false, 'the launcher file is removed on close');
  },
);

test('a second `web` on a data folder in use says so and exits 1', async (t) => {
  const first = await startTestConsole({ engine: false });
  t.after(() => first.close());
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', entry, 'web', '--port', '0', '--data', first.dataDir, '--no-engine'],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
    },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `portal-console web: the data folder .*${path.basename(first.dataDir)} ` +
        `is in use by another portal-console \\(web, process ${process.pid}\\)`,
    ),
  );
  assert.doesNotMatch(r.stdout, /console ready at/);
});
