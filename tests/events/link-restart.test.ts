import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { AttendeeView, MethodName, MethodOutput } from '../../shared/contract';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startWebConsole, type WebConsole } from '../../electron/web/start-web-console';
import {
  portalConfig,
  rawRequest as engineRequest,
  spawnEngineCli,
  waitFor,
  type EngineCliProcess,
} from '../support/engine-harness';
import { rawRequest } from '../web/web-helpers';
import { people } from './helpers';

async function call<M extends MethodName>(web: WebConsole, method: M, input: unknown): Promise<MethodOutput<M>> {
  const r = await rawRequest({
    port: web.port,
    method: 'POST',
    path: `/api/invoke/${method}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}` },
    body: JSON.stringify(input),
  });
  const body = JSON.parse(r.body) as { ok: boolean; data: MethodOutput<M>; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.data;
}

/**
 * A link handed out before the console (and the portal) restarted still activates after: the console keeps it in
 * console.db and the portal keeps the session for the whole activation window. The portal is an engine started on a
 * fixed port (as a remote portal is); the secret store stands for the keychain, which outlives the console.
 */
test('a link allocated before a restart of the console still activates after it', { timeout: 120_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-link-'));
  const creds = {
    clientId: 'c-' + randomBytes(6).toString('hex'),
    clientSecret: randomBytes(12).toString('hex'),
    username: 'robot@lab',
    password: randomBytes(12).toString('hex'),
  };
  const config = path.join(dir, 'portal.yaml');
  fs.writeFileSync(
    config,
    portalConfig({
      name: 'lab',
      portal: {
        sessions: { maximum: 0, registered: 1, anonymous: 1 },
        credentials: { robot: { username: creds.username, password: creds.password } },
        clients: { robot: { id: creds.clientId, secret: creds.clientSecret } },
      },
      workshops: [{ name: 'lab-k8s', capacity: 10, reserved: 0, initial: 0, expires: '1h' }],
    }),
    { mode: 0o600 },
  );
  const engineData = path.join(dir, 'engine');
  const consoleData = path.join(dir, 'console');
  const keychain = new MemorySecretStore();
  let engine: EngineCliProcess | null = null;
  let web: WebConsole | null = null;
  t.after(async () => {
    await web?.close();
    engine?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const startEngine = (port: number) =>
    spawnEngineCli(['--host', '127.0.0.1', '--port', String(port), '--data', engineData, '--config', config]);
  const startConsole = () =>
    startWebConsole({
      dataDir: consoleData,
      engine: false,
      secretStore: keychain,
      validateOutput: true,
      log: () => undefined,
    });

  engine = await startEngine(0);
  const portalUrl = engine.url;
  const port = Number(new URL(portalUrl).port);
  web = await startConsole();
  const portal = await call(web, 'portals.add', { label: 'Lab', baseUrl: portalUrl, ...creds });
  const env = await waitFor(
    async () => {
      const s = (await call(web as WebConsole, 'monitor.snapshot', {})).portals.find((p) => p.portalId === portal.id);
      return s?.environments.find((e) => e.state === 'RUNNING')?.name;
    },
    { timeoutMs: 30_000 },
  );
  const now = Date.now();
  const ev = await call(web, 'events.create', {
    name: 'Tomorrow',
    portalId: portal.id,
    environments: [env],
    startsAt: now,
    endsAt: now + 7_200_000,
    activationWindowS: 3600,
  });
  await call(web, 'events.addAttendees', { eventId: ev.id, attendees: people(3, 'tomorrow'), source: 'csv' });
  await call(web, 'events.allocate', { eventId: ev.id, scope: 'all' });
  const before = await waitFor(
    async () => {
      const d = await call(web as WebConsole, 'events.get', { eventId: ev.id });
      return d.event.run?.status === 'done' && d.attendees.every((a) => a.activationUrl) ? d.attendees : undefined;
    },
    { timeoutMs: 30_000 },
  );

  // everything restarts: the console, and the portal on its own address
  await web.close();
  web = null;
  engine.kill('SIGTERM');
  await engine.exited;
  engine = await startEngine(port);
  web = await startConsole();

  const after: AttendeeView[] = (await call(web, 'events.get', { eventId: ev.id })).attendees;
  assert.deepEqual(
    after.map((a) => [a.email, a.session, a.activationUrl]),
    before.map((a) => [a.email, a.session, a.activationUrl]),
  );
  const link = new URL(before[0]?.activationUrl as string);
  const opened = await engineRequest(link.origin, `${link.pathname}${link.search}`);
  assert.equal(opened.status, 302, `the link answered ${opened.status}: ${opened.body.slice(0, 200)}`);
  assert.match(String(opened.headers['location']), new RegExp(`/workshops/session/${before[0]?.session}/`));
  const running = await waitFor(
    async () => {
      const d = await call(web as WebConsole, 'events.get', { eventId: ev.id });
      return d.attendees[0]?.status === 'running' ? d : undefined;
    },
    { timeoutMs: 30_000, message: 'the console did not see the session running' },
  );
  assert.deepEqual([running.event.counts.running, running.event.counts.waiting], [1, 2]);
});
