import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { rawRequest } from './web-helpers';

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
  const help = spawnSync(process.execPath, ['--import', 'tsx', entry, 'web', '--help'], { cwd: root, encoding: 'utf8' });
  assert.equal(help.status, 0);
  for (const option of ['--port', '--host', '--data', '--engine-data', '--engine-config', '--no-engine', '--open', '--help']) {
    assert.match(help.stdout, new RegExp(`\\s${option}\\b`), option);
  }
  const bad = spawnSync(process.execPath, ['--import', 'tsx', entry, 'web', '--port', 'eighty'], { cwd: root, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--port must be a number/);
  const unknown = spawnSync(process.execPath, ['--import', 'tsx', entry, 'web', '--bogus'], { cwd: root, encoding: 'utf8' });
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
