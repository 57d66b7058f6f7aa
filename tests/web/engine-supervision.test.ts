import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { superviseEngine, type EngineStatus } from '../../electron/engine-host/engine-host';
import { startNodeEngine } from '../../electron/engine-host/node-engine-host';
import { waitFor } from '../support/http';
import { rawRequest, startTestConsole } from './web-helpers';

/**
 * A built-in engine that dies mid-run is noticed, reported in the log and restarted on the same address; a
 * crash loop ends with a message instead of restarting forever; stop() leaves no engine behind.
 */
const scripted = { file: path.join(__dirname, 'fixtures', 'scripted-engine.js'), execArgv: [] };

function statusRecorder() {
  const seen: EngineStatus[] = [];
  const waiters: Array<{ match: (s: EngineStatus) => boolean; resolve: (s: EngineStatus) => void }> = [];
  const onStatus = (status: EngineStatus) => {
    seen.push(status);
    for (const w of waiters.splice(0)) {
      if (w.match(status)) w.resolve(status);
      else waiters.push(w);
    }
  };
  const next = (match: (s: EngineStatus) => boolean) =>
    new Promise<EngineStatus>((resolve) => {
      const already = seen.find(match);
      if (already) resolve(already);
      else waiters.push({ match, resolve });
    });
  return { seen, onStatus, next };
}

test('an engine that crashes once is restarted on the same port, and the crash is logged', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-supervise-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const options = { dataDir: `crash-once:${path.join(dir, 'crashed')}` };
  const logs: string[] = [];
  const status = statusRecorder();
  const first = await startNodeEngine(options, { entry: scripted });
  const firstPid = first.pid;
  const ports: number[] = [];
  const engine = superviseEngine(
    first,
    (port) => {
      ports.push(port);
      return startNodeEngine({ ...options, port }, { entry: scripted });
    },
    { log: (l) => logs.push(l), onStatus: status.onStatus, restartDelayMs: 10 },
  );
  const running = await status.next((s) => s.state === 'running');
  assert.deepEqual(running, { state: 'running', url: 'http://127.0.0.1:4/', restarts: 1 });
  assert.deepEqual(ports, [4]);
  assert.equal(engine.url, 'http://127.0.0.1:4/');
  assert.notEqual(engine.pid, firstPid);
  assert.equal(status.seen[0]?.state, 'crashed');
  assert.equal(status.seen[0]?.state === 'crashed' && status.seen[0].exitCode, 71);
  assert.match(logs.join('\n'), /built-in engine stopped unexpectedly \(exit code 71\); restarting it/);
  assert.match(logs.join('\n'), /running again at http:\/\/127\.0\.0\.1:4\//);
  await engine.stop();
  assert.equal(await engine.exited, 0);
});

test('a crash loop is given up after maxRestarts with a message', async () => {
  const logs: string[] = [];
  const status = statusRecorder();
  const options = { dataDir: 'crash-after-ready' };
  const engine = superviseEngine(
    await startNodeEngine(options, { entry: scripted }),
    (port) => startNodeEngine({ ...options, port }, { entry: scripted }),
    { log: (l) => logs.push(l), onStatus: status.onStatus, restartDelayMs: 1, maxRestarts: 2 },
  );
  const failed = await status.next((s) => s.state === 'failed');
  assert.match(failed.state === 'failed' ? failed.message : '', /3 times in a row; it is not restarted again/);
  assert.equal(status.seen.filter((s) => s.state === 'crashed').length, 2);
  assert.equal(status.seen.filter((s) => s.state === 'running').length, 2);
  assert.equal(await engine.exited, null);
  assert.match(logs.at(-1) ?? '', /not restarted again: restart the console/);
  await engine.stop();
});

test('stop() during a pending restart leaves no engine running', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-supervise-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const options = { dataDir: `crash-once:${path.join(dir, 'crashed')}` };
  const status = statusRecorder();
  let restarted = 0;
  const engine = superviseEngine(
    await startNodeEngine(options, { entry: scripted }),
    (port) => {
      restarted += 1;
      return startNodeEngine({ ...options, port }, { entry: scripted });
    },
    // a restart delay far longer than the test: stop() must cut it short, not wait for it
    { log: () => undefined, onStatus: status.onStatus, restartDelayMs: 600_000 },
  );
  await status.next((s) => s.state === 'crashed');
  await engine.stop();
  assert.equal(restarted, 0);
});

test(
  'web mode: the real engine killed with SIGKILL comes back on the same address and the portal is live again',
  { timeout: 120_000 },
  async () => {
    const web = await startTestConsole({
      engine: true,
      tuning: { pollIntervalMs: 200 },
      engineSupervision: { restartDelayMs: 50 },
    });
    try {
      const pid = web.enginePid();
      assert.ok(pid, 'the engine has a process id');
      const list = JSON.parse((await web.invoke('portals.list', {})).body) as {
        data: Array<{ id: string; builtin: boolean }>;
      };
      const builtinId = list.data.find((p) => p.builtin)?.id;
      assert.ok(builtinId);
      process.kill(pid, 'SIGKILL');
      // A restart faster than the client's GET retries never shows as stale, so the proof of recovery is a
      // new engine process and a successful poll of it, not a status change.
      await waitFor(
        () => {
          const now = web.enginePid();
          return now !== null && now !== pid;
        },
        { timeoutMs: 60_000 },
      );
      const restartedAt = Date.now();
      await waitFor(
        async () => {
          const snap = JSON.parse((await web.invoke('monitor.snapshot', {})).body) as {
            data: { portals: Array<{ portalId: string; status: string; lastSeenAt: number | null }> };
          };
          const p = snap.data.portals.find((x) => x.portalId === builtinId);
          return p !== undefined && p.status === 'live' && p.lastSeenAt !== null && p.lastSeenAt > restartedAt;
        },
        { timeoutMs: 60_000 },
      );
      const engineUrl = new URL(web.engineUrl ?? '');
      const r = await rawRequest({
        port: Number(engineUrl.port),
        path: '/workshops/catalog/environments/',
        headers: { host: engineUrl.host },
      });
      assert.ok(r.status > 0 && r.status < 500, `the engine answers on its old address (${r.status})`);
    } finally {
      await web.close();
    }
  },
);
