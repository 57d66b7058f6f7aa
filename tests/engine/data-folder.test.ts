/**
 * One engine per data folder (issue #8): a second engine on a folder in use (headless or the console's) is refused
 * with a message naming the folder and the process holding it, and the first one's data is untouched.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataFolderBusyError, startEngine } from '../../electron/engine/index';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startWebConsole } from '../../electron/web/start-web-console';
import {
  getToken,
  makeTempDir,
  runEngineCli,
  spawnEngineCli,
  startTestEngine,
  type EngineCliProcess,
} from '../support/engine-harness';
import { config, qs, INDEX_URL } from './helpers';

interface Stored {
  robot: { clientId: string; clientSecret: string; username: string; password: string };
}

let tmp: ReturnType<typeof makeTempDir>;
const running = new Set<EngineCliProcess>();
before(() => {
  tmp = makeTempDir('engine-folder-');
});
after(async () => {
  for (const p of running) {
    p.kill('SIGKILL');
    await p.exited;
  }
  tmp?.cleanup();
});

async function spawn1(args: string[]): Promise<EngineCliProcess> {
  const p = await spawnEngineCli(args);
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}

async function robotToken(url: string, dataDir: string): Promise<string> {
  const stored = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as Stored;
  return getToken(url, stored.robot);
}

async function userSessionNames(url: string, token: string, user: string): Promise<string[]> {
  const res = await fetch(`${url}/workshops/user/${user}/sessions/`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { sessions: { name: string }[] }).sessions.map((s) => s.name);
}

describe('two engines on one data folder', () => {
  test(
    'the second CLI exits non-zero naming the folder and the first one’s pid; ' + 'the first keeps its data',
    async () => {
      const dataDir = path.join(tmp.dir, 'shared');
      const first = await spawn1(['--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
      const token = await robotToken(first.url, dataDir);
      const res = await fetch(
        `${first.url}/workshops/environment/demo-portal-w01/request/${qs({ index_url: INDEX_URL, user: 'alice' })}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      assert.equal(res.status, 200);
      const alice = ((await res.json()) as { name: string }).name;

      const second = await runEngineCli(['--data', dataDir, '--host', '127.0.0.1', '--port', '0'], {
        timeoutMs: 20_000,
      });
      assert.equal(second.code, 1, `the second engine is refused (stdout: ${second.stdout}, stderr: ${second.stderr})`);
      assert.ok(!second.stdout.includes('listening on'), 'the second engine never listened');
      assert.ok(second.stderr.includes(path.resolve(dataDir)), `names the folder:\n${second.stderr}`);
      assert.ok(
        second.stderr.includes(`process ${String(first.child.pid)}`),
        `names the holder's pid:\n${second.stderr}`,
      );

      // the first engine still answers, with its data
      assert.deepEqual(await userSessionNames(first.url, token, 'alice'), [alice]);
      first.kill('SIGTERM');
      assert.equal((await first.exited).code, 0);
      assert.equal(fs.existsSync(path.join(dataDir, 'engine.lock')), false, 'the lock goes with a clean stop');

      // and after it stopped the folder is free again, with alice's session in it
      const again = await spawn1(['--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
      assert.deepEqual(await userSessionNames(again.url, await robotToken(again.url, dataDir), 'alice'), [alice]);
      again.kill('SIGTERM');
      await again.exited;
    },
  );

  test('without its lock file the database itself stays locked by the running engine', async () => {
    const dataDir = path.join(tmp.dir, 'no-lock-file');
    const first = await spawn1(['--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
    fs.rmSync(path.join(dataDir, 'engine.lock'));
    const second = await runEngineCli(['--data', dataDir, '--host', '127.0.0.1', '--port', '0'], { timeoutMs: 20_000 });
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /locked by another process/);
    const token = await robotToken(first.url, dataDir);
    assert.deepEqual(await userSessionNames(first.url, token, 'nobody'), []);
    first.kill('SIGTERM');
    assert.equal((await first.exited).code, 0);
  });

  test('a lock left by a killed engine is stale and taken over', async () => {
    const dataDir = path.join(tmp.dir, 'stale');
    const first = await spawn1(['--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
    first.kill('SIGKILL');
    await first.exited;
    assert.equal(fs.existsSync(path.join(dataDir, 'engine.lock')), true, 'kill -9 leaves the file behind');
    const again = await spawn1(['--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
    again.kill('SIGTERM');
    assert.equal((await again.exited).code, 0);
  });

  test('in one process the second startEngine on a folder is refused too', async () => {
    const dataDir = path.join(tmp.dir, 'in-process');
    const first = await startEngine({ dataDir, port: 0 });
    try {
      await assert.rejects(
        startEngine({ dataDir, port: 0 }),
        (err: unknown) => err instanceof DataFolderBusyError && err.pid === process.pid,
      );
    } finally {
      await first.close();
    }
    const again = await startEngine({ dataDir, port: 0 });
    await again.close();
  });
});

describe('an engine folder held by a console', () => {
  test('a headless engine refuses the folder of a running web console’s built-in engine', async () => {
    const consoleDir = path.join(tmp.dir, 'console');
    const staticRoot = path.join(tmp.dir, 'static');
    fs.mkdirSync(staticRoot, { recursive: true });
    fs.writeFileSync(path.join(staticRoot, 'index.html'), '<!doctype html><title>test</title>');
    const engineDir = path.join(consoleDir, 'engine');
    const web = await startWebConsole({
      dataDir: consoleDir,
      engineDataDir: engineDir,
      port: 0,
      staticRoot,
      secretStore: new MemorySecretStore('tests use memory'),
      log: () => undefined,
    });
    try {
      assert.ok(web.engineUrl, 'the console’s own engine started although the console locked its folder');
      const headless = await runEngineCli(['--data', engineDir, '--host', '127.0.0.1', '--port', '0'], {
        timeoutMs: 20_000,
      });
      assert.equal(headless.code, 1, headless.stderr);
      assert.ok(headless.stderr.includes(path.resolve(engineDir)), headless.stderr);
      assert.ok(
        headless.stderr.includes(`process ${String(web.enginePid())}`),
        `names the console's engine:\n${headless.stderr}`,
      );
      const res = await fetch(`${web.engineUrl}/workshops/catalog/`);
      await res.text();
      assert.equal(res.status, 200, 'the console’s engine still serves');
    } finally {
      await web.close();
    }
  });

  test('a headless engine refuses a folder whose console lock is held by a live process', async (t) => {
    const dataDir = path.join(tmp.dir, 'console-locked');
    fs.mkdirSync(dataDir, { recursive: true });
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    t.after(() => holder.kill('SIGKILL'));
    await new Promise((resolve) => holder.once('spawn', resolve));
    fs.writeFileSync(path.join(dataDir, 'portal-console.lock'), JSON.stringify({ pid: holder.pid, mode: 'electron' }));
    const headless = await runEngineCli(['--data', dataDir, '--host', '127.0.0.1', '--port', '0'], {
      timeoutMs: 20_000,
    });
    assert.equal(headless.code, 1, headless.stderr);
    assert.ok(headless.stderr.includes(`electron, process ${String(holder.pid)}`), headless.stderr);
    assert.ok(headless.stderr.includes(path.resolve(dataDir)), headless.stderr);
    assert.equal(fs.existsSync(path.join(dataDir, 'portal.db')), false, 'nothing written');
    assert.equal(fs.existsSync(path.join(dataDir, 'engine.lock')), false, 'its own lock released again');
  });
});

describe('nothing is written before the engine listens', () => {
  async function busyPort(t: { after(fn: () => Promise<void>): void }): Promise<number> {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    return (blocker.address() as net.AddressInfo).port;
  }

  const fingerprint = (dir: string): Record<string, string> =>
    Object.fromEntries(
      fs
        .readdirSync(dir)
        .sort()
        .map((f) => [
          f,
          createHash('sha256')
            .update(fs.readFileSync(path.join(dir, f)))
            .digest('hex'),
        ]),
    );

  test('a start on a busy port leaves a new folder uncreated', async (t) => {
    const port = await busyPort(t);
    const dataDir = path.join(tmp.dir, 'never-created');
    const r = await runEngineCli(['--data', dataDir, '--host', '127.0.0.1', '--port', String(port)], {
      timeoutMs: 20_000,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /EADDRINUSE/);
    assert.equal(fs.existsSync(dataDir), false, 'no folder, database or credentials file');
  });

  test(
    'a start with another config on a busy port leaves the folder’s portal, ' +
      'environments and accounts as they were',
    async (t) => {
      const dataDir = path.join(tmp.dir, 'kept');
      const first = await spawn1(['--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
      const token = await robotToken(first.url, dataDir);
      const res = await fetch(
        `${first.url}/workshops/environment/demo-portal-w02/request/${qs({ index_url: INDEX_URL, user: 'bob' })}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      assert.equal(res.status, 200);
      await res.text();
      first.kill('SIGTERM');
      assert.equal((await first.exited).code, 0);
      const before = fingerprint(dataDir);
      assert.ok(before['portal.db'] && before['credentials.json'], JSON.stringify(before));

      const other = path.join(tmp.dir, 'other.yaml');
      fs.writeFileSync(
        other,
        config('other-portal', {
          portal: {
            credentials: { robot: { username: 'other-bot', password: 'other-pw' } },
            clients: { robot: { id: 'other', secret: 'other-s' } },
          },
          workshops: [{ name: 'lab-other', capacity: 2 }],
        }),
      );
      const port = await busyPort(t);
      const r = await runEngineCli(
        ['--data', dataDir, '--config', other, '--host', '127.0.0.1', '--port', String(port)],
        { timeoutMs: 20_000 },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /EADDRINUSE/);
      assert.deepEqual(fingerprint(dataDir), before, 'not one byte of the folder changed');

      const again = await spawn1(['--data', dataDir, '--host', '127.0.0.1', '--port', '0']);
      assert.equal((await userSessionNames(again.url, await robotToken(again.url, dataDir), 'bob')).length, 1);
      again.kill('SIGTERM');
      await again.exited;
    },
  );
});

describe('file modes in the data folder', { skip: process.platform === 'win32' ? 'modes are POSIX' : false }, () => {
  const mode = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8);

  test(
    'with umask 0 and an open folder: ' + 'the folder 0700, the database, its WAL and the credentials 0600',
    async (t) => {
      const dataDir = path.join(tmp.dir, 'umask0');
      fs.mkdirSync(dataDir, { mode: 0o777 });
      fs.chmodSync(dataDir, 0o777);
      const old = process.umask(0);
      t.after(() => process.umask(old));
      const te = await startTestEngine({ dataDir });
      try {
        const reply = await te.api(
          `/workshops/environment/demo-portal-w01/request/${qs({ index_url: INDEX_URL, user: 'carol' })}`,
        );
        assert.equal(reply.status, 200);
        await reply.text();
        assert.equal(mode(dataDir), '700');
        for (const f of ['portal.db', 'portal.db-wal', 'credentials.json', 'engine.lock'])
          assert.equal(mode(path.join(dataDir, f)), '600', f);
        assert.equal(
          fs.existsSync(path.join(dataDir, 'portal.db-shm')),
          false,
          'exclusive locking keeps no shared-memory file',
        );
      } finally {
        await te.close();
      }
    },
  );

  test('an existing folder and database from an earlier run are tightened at start', async () => {
    const dataDir = path.join(tmp.dir, 'earlier');
    const first = await startEngine({ dataDir, port: 0 });
    await first.close();
    fs.chmodSync(dataDir, 0o755);
    for (const f of ['portal.db', 'credentials.json']) fs.chmodSync(path.join(dataDir, f), 0o644);
    const again = await startEngine({ dataDir, port: 0 });
    try {
      assert.equal(mode(dataDir), '700');
      for (const f of ['portal.db', 'portal.db-wal', 'credentials.json'])
        assert.equal(mode(path.join(dataDir, f)), '600', f);
    } finally {
      await again.close();
    }
  });

  test('a folder that holds other files is left as it is, with a warning; the engine’s files are 0600', async () => {
    const dataDir = path.join(tmp.dir, 'shared-with-other-things');
    fs.mkdirSync(dataDir);
    fs.chmodSync(dataDir, 0o755);
    fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'mine');
    const logs: string[] = [];
    const te = await startEngine({ dataDir, port: 0, log: (l) => logs.push(l) });
    try {
      assert.equal(mode(dataDir), '755');
      assert.ok(
        logs.some((l) => l.includes(dataDir) && l.includes('open to other users')),
        logs.join('\n'),
      );
      for (const f of ['portal.db', 'portal.db-wal', 'credentials.json'])
        assert.equal(mode(path.join(dataDir, f)), '600', f);
    } finally {
      await te.close();
    }
  });
});
