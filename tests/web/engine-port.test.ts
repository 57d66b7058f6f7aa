import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ENGINE_PORT_FILE, readStoredPort, startOnStoredPort, storePort } from '../../electron/engine-host/engine-port';
import { createConsoleCore } from '../../electron/services/console-core';
import type { BuiltinPortal } from '../../electron/services/core-types';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startWebConsole } from '../../electron/web/start-web-console';

/**
 * The built-in engine keeps its port across restarts of the console (links handed out before a restart must still
 * reach it), and moves only when another program holds the port, which the core is told.
 */
async function run(dataDir: string, secretStore: MemorySecretStore) {
  const logs: string[] = [];
  let builtin: BuiltinPortal | null = null;
  const web = await startWebConsole({
    dataDir,
    port: 0,
    secretStore,
    log: (line) => logs.push(line),
    createCore: async (o) => {
      builtin = o.builtinPortal;
      return createConsoleCore(o);
    },
  });
  await web.close();
  return { engineUrl: web.engineUrl, builtin: builtin as BuiltinPortal | null, logs };
}

function occupy(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('the built-in engine keeps its port across restarts and moves only when the port is taken', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-engine-port-'));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  // one keychain across the runs, as on a desktop: the engine gets the same robot credentials each time
  const secrets = new MemorySecretStore();

  const first = await run(dataDir, secrets);
  assert.ok(first.engineUrl);
  const firstPort = Number(new URL(first.engineUrl).port);
  const portFile = path.join(dataDir, 'engine', ENGINE_PORT_FILE);
  assert.deepEqual(JSON.parse(fs.readFileSync(portFile, 'utf8')), { port: firstPort });
  if (process.platform !== 'win32') assert.equal(fs.statSync(portFile).mode & 0o777, 0o600);
  assert.equal(first.builtin?.movedFrom ?? null, null);

  const second = await run(dataDir, secrets);
  assert.equal(second.engineUrl, first.engineUrl, 'same address after a restart');
  assert.equal(second.builtin?.movedFrom ?? null, null);

  // another program takes the port while the console is down
  const squatter = await occupy(firstPort);
  let third;
  try {
    third = await run(dataDir, secrets);
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
  assert.ok(third.engineUrl);
  assert.notEqual(third.engineUrl, first.engineUrl, 'a new port');
  assert.equal(third.builtin?.url, third.engineUrl);
  assert.equal(third.builtin?.movedFrom, first.engineUrl, 'the core learns the old address');
  assert.match(
    third.logs.join('\n'),
    new RegExp(`port ${firstPort} is held by another program.*moved from ${first.engineUrl} to ${third.engineUrl}`),
  );

  // and it stays on its new port from then on, even once the old one is free again
  const fourth = await run(dataDir, secrets);
  assert.equal(fourth.engineUrl, third.engineUrl);
  assert.equal(fourth.builtin?.movedFrom ?? null, null);
});

test('a start failure that is not about the port is passed on, and the stored port is kept', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-engine-port-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const free = await occupy(0);
  const port = (free.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => free.close(() => resolve()));
  storePort(dir, port);
  const asked: number[] = [];
  await assert.rejects(
    startOnStoredPort(
      dir,
      async (p) => {
        asked.push(p);
        throw new Error('the built-in engine failed to start: bad config');
      },
      () => undefined,
    ),
    /bad config/,
  );
  assert.deepEqual(asked, [port], 'no second attempt on another port');
  assert.equal(readStoredPort(dir), port);
  // a damaged port file counts as none: a free port is chosen and stored
  fs.writeFileSync(path.join(dir, ENGINE_PORT_FILE), '{"port": "eighty"}');
  assert.equal(readStoredPort(dir), null);
});
