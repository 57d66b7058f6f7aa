/**
 * Sharing on the local network without a network: 127.0.0.2 stands in for a LAN interface. The whole web console
 * runs (web server, core, the built-in engine as a child process); the page, the engine's links and the Host checks
 * use 127.0.0.2, and nothing the console serves on 127.0.0.1 answers there except the gate's attendee routes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startWebConsole, type WebConsole } from '../../electron/web/start-web-console';
import { MemorySecretStore } from '../../electron/services/secret-store';
import type { MethodInput, MethodName, MethodOutput, Result } from '../../shared/contract';
import { rawRequest } from '../support/http';
import { AttendeeClient, bannerOf, connectionRefused, csrfToken } from './attendee-client';

const SHARE = '127.0.0.2';
let web: WebConsole;
let scratch: string;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await fetch(`${web.origin}/api/invoke/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}` },
    body: JSON.stringify(input),
  });
  const r = (await res.json()) as Result<MethodOutput<M>>;
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.data;
}

before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'checkin-share-'));
  web = await startWebConsole({
    dataDir: path.join(scratch, 'console'),
    port: 0,
    secretStore: new MemorySecretStore(),
    validateOutput: true,
    tuning: { pollIntervalMs: 200, requestTimeoutMs: 3000, retries: 0 },
    log: () => undefined,
  });
});

after(async () => {
  await web.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function firstEnvironment(): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const fleet = await call('monitor.snapshot', {});
    const env = fleet.portals.find((p) => p.portalId === 'builtin')?.environments.find((e) => e.state === 'RUNNING');
    if (env) return env.name;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the built-in portal showed no running environment');
}

test(
  'shared on 127.0.0.2: page, engine links and Host checks use that address; ' + 'the console stays on 127.0.0.1',
  async () => {
    const environment = await firstEnvironment();
    const t0 = Date.now();
    const event = await call('events.create', {
      name: 'LAN day',
      portalId: 'builtin',
      environments: [environment],
      startsAt: t0,
      endsAt: t0 + 3_600_000,
    });
    await call('checkin.configure', { eventId: event.id, code: 'LAN-1' });
    const status = await call('checkin.start', { eventId: event.id, address: SHARE });
    assert.equal(status.state, 'running', status.error ?? '');
    assert.equal(status.shared, true);
    const pageUrl = status.url as string;
    const pagePort = Number(new URL(pageUrl).port);
    const enginePort = Number(new URL(web.engineUrl as string).port);
    assert.equal(new URL(pageUrl).hostname, SHARE);
    assert.equal(status.portalUrl, `http://${SHARE}:${enginePort}`, "the gate keeps the engine's own port number");

    // Nothing listens for the page on 127.0.0.1, and the page answers only to its own address.
    assert.equal(await connectionRefused(`http://127.0.0.1:${pagePort}/`), true);
    const foreign = await rawRequest(pageUrl, '/', { headers: { host: 'evil.example' } });
    assert.equal(foreign.status, 421);
    const loopbackName = await rawRequest(pageUrl, '/', { headers: { host: `127.0.0.1:${pagePort}` } });
    assert.equal(loopbackName.status, 421);

    // The console's own server and the engine's API are not reachable on the shared address.
    assert.equal(await connectionRefused(`http://${SHARE}:${web.port}/`), true, 'the web console is not on 127.0.0.2');
    for (const [method, p] of [
      ['POST', '/oauth2/token/'],
      ['GET', `/workshops/catalog/environments/`],
      ['GET', `/workshops/environment/${environment}/request/?index_url=http%3A%2F%2Fx%2F&user=x`],
      ['GET', `/workshops/environment/${environment}/create/`],
      ['GET', '/workshops/user/x/sessions/'],
      ['GET', '/admin/'],
    ] as const) {
      const r = await rawRequest(`http://${SHARE}:${enginePort}`, p, {
        method,
        headers: { host: `${SHARE}:${enginePort}` },
      });
      assert.equal(r.status, 404, `${method} ${p} through the gate`);
    }
    const gateForeign = await rawRequest(`http://${SHARE}:${enginePort}`, '/', { headers: { host: 'evil.example' } });
    assert.equal(gateForeign.status, 421);

    // An attendee checks in there and lands on the engine's session page through the gate.
    const ada = new AttendeeClient(SHARE);
    try {
      const page = await ada.send(pageUrl);
      const sent = await ada.submit(pageUrl, csrfToken(page.body), {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.org',
        code: 'lan-1',
      });
      assert.equal(sent.status, 303);
      const activation = new URL(sent.location as string);
      assert.equal(activation.host, `${SHARE}:${enginePort}`, 'the activation link uses the shared address');
      assert.equal(activation.searchParams.get('index_url'), pageUrl, 'sessions end on the shared check-in page');
      const landed = await ada.follow(activation.toString());
      assert.equal(new URL(landed.url).host, `${SHARE}:${enginePort}`);
      assert.match(landed.url, /\/workshops\/session\/[^/]+\/$/);
      assert.equal(landed.answer.status, 200);
      const session = /\/workshops\/session\/([^/]+)\//.exec(landed.url)?.[1] as string;

      // Its heartbeat goes through the gate too.
      const beat = await ada.send(`http://${SHARE}:${enginePort}/workshops/session/${session}/activity/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"visible":true}',
      });
      assert.equal(beat.status, 200);

      // The facilitator ends it: the session page sends the attendee back to the shared check-in page.
      await call('sessions.terminate', { portalId: 'builtin', session });
      const back = await ada.follow(`http://${SHARE}:${enginePort}/workshops/session/${session}/`);
      assert.equal(new URL(back.url).host, `${SHARE}:${pagePort}`);
      assert.equal(bannerOf(back.answer.body), 'session-deleted');
    } finally {
      ada.close();
    }

    // Stopping the page closes the gate with it.
    await call('checkin.stop', { eventId: event.id });
    assert.equal(await connectionRefused(pageUrl), true);
    assert.equal(await connectionRefused(`http://${SHARE}:${enginePort}/`), true);
  },
);
