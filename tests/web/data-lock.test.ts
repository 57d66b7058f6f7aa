import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireDataLock, DataFolderBusyError, LOCK_FILE } from '../../electron/app/data-lock';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startWebConsole } from '../../electron/web/start-web-console';
import { startTestConsole } from './web-helpers';

/**
 * One console per data folder: a second `web` (or web mode beside the Electron app, which shares the folder by
 * default) must be refused with a message, not run a second engine on the same database.
 */
function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-lock-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The pid of a process that has certainly ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('the lock is exclusive in one process and free again after release', (t) => {
  const dir = tempDir(t);
  const lock = acquireDataLock(dir, { mode: 'web' });
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')), { pid: process.pid, mode: 'web' });
  assert.equal(fs.statSync(lock.file).mode & 0o777, 0o600);
  assert.throws(() => acquireDataLock(dir, { mode: 'web' }), DataFolderBusyError);
  lock.release();
  lock.release();
  assert.equal(fs.existsSync(lock.file), false);
  acquireDataLock(dir, { mode: 'web' }).release();
});

test('a lock held by another live process is refused with a message naming it', async (t) => {
  const dir = tempDir(t);
  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.after(() => holder.kill('SIGKILL'));
  await new Promise((resolve) => holder.once('spawn', resolve));
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, mode: 'electron' }));
  assert.throws(
    () => acquireDataLock(dir, { mode: 'web' }),
    (err: unknown) =>
      err instanceof DataFolderBusyError &&
      err.pid === holder.pid &&
      err.message.includes(dir) &&
      err.message.includes(`electron, process ${String(holder.pid)}`),
  );
  // the other console's lock is left alone
  assert.equal((JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number }).pid, holder.pid);
});

test('a stale lock (its process is gone) or an old unreadable one is taken over', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, LOCK_FILE);
  fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), mode: 'web' }));
  const lock = acquireDataLock(dir, { mode: 'web' });
  assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }).pid, process.pid);
  lock.release();

  fs.writeFileSync(file, 'not json');
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(file, old, old);
  acquireDataLock(dir, { mode: 'web' }).release();

  // a fresh unreadable lock is another console between creating and writing it
  fs.writeFileSync(file, '');
  assert.throws(() => acquireDataLock(dir, { mode: 'web' }), DataFolderBusyError);
});

test('a second web console on the same data folder is refused; the first keeps working', async () => {
  const first = await startTestConsole({ engine: true });
  try {
    await assert.rejects(
      startTestConsole({ engine: false, dataDir: first.dataDir }),
      (err: unknown) => err instanceof DataFolderBusyError && err.message.includes(first.dataDir),
    );
    // the engine folder alone is locked too (--engine-data shared by two consoles)
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-lock-other-'));
    try {
      await assert.rejects(
        startTestConsole({ engine: true, dataDir: other, engineDataDir: path.join(first.dataDir, 'engine') }),
        DataFolderBusyError,
      );
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
    const info = await first.invoke('app.info', {});
    assert.equal(info.status, 200);
    assert.equal(fs.existsSync(path.join(first.dataDir, LOCK_FILE)), true);
  } finally {
    await first.close();
  }
});

test('after close the folder can be used again', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-lock-reuse-'));
  try {
    const web = await startWebConsoleIn(dataDir);
    await web.close();
    assert.equal(fs.existsSync(path.join(dataDir, LOCK_FILE)), false);
    assert.equal(fs.existsSync(path.join(dataDir, 'engine', LOCK_FILE)), false);
    const again = await startWebConsoleIn(dataDir);
    await again.close();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

function startWebConsoleIn(dataDir: string) {
  return startWebConsole({ dataDir, port: 0, engine: true, secretStore: new MemorySecretStore('tests use memory') });
}
