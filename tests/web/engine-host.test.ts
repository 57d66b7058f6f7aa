import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startNodeEngine } from '../../electron/engine-host/node-engine-host';

/** The engine host's handshake and shutdown against a scripted child process (real fork, real IPC). */
const entry = { file: path.join(__dirname, 'fixtures', 'scripted-engine.js'), execArgv: [] };

test('ready: the handle carries the address, and stop ends the child with exit code 0', async () => {
  const engine = await startNodeEngine({ dataDir: 'ready' }, { entry });
  assert.equal(engine.url, 'http://127.0.0.1:1/');
  assert.equal(engine.portalName, 'scripted');
  await engine.stop();
  assert.equal(await engine.exited, 0);
  await engine.stop(); // twice is fine
});

test("an engine's error reply rejects with its message and the child is gone", async () => {
  await assert.rejects(startNodeEngine({ dataDir: 'error' }, { entry }), /failed to start: port already in use/);
});

test('a child that exits before it is ready rejects with its exit code', async () => {
  await assert.rejects(startNodeEngine({ dataDir: 'exit' }, { entry }), /exited before it was ready \(exit code 3\)/);
});

test('a child that never answers is killed after the ready timeout', async () => {
  await assert.rejects(
    startNodeEngine({ dataDir: 'silent' }, { entry, readyTimeoutMs: 300 }),
    /did not start within 300 ms/,
  );
});

test('a child that ignores stop is killed', async () => {
  const engine = await startNodeEngine({ dataDir: 'stubborn' }, { entry, stopTimeoutMs: 200 });
  await engine.stop();
  assert.equal(await engine.exited, null);
});

test("the engine's log lines are redacted on their way to the console's log", async () => {
  const lines: string[] = [];
  const engine = await startNodeEngine({ dataDir: 'chatty' }, { entry, log: (line) => lines.push(line) });
  await engine.stop();
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /activate\/\?\[redacted\]/);
  assert.doesNotMatch(lines.join('\n'), /ACT-SECRET|PW-SECRET|BEARER-SECRET/);
});
