/**
 * The end-to-end run audited by secrets-audit.test.ts. It runs in a child process so that everything the console
 * and its engine child print (stdout, stderr, log lines) is captured by the parent.
 *
 * Web mode with the built-in engine on a temp data folder, plus a second engine added as a remote portal behind a
 * recording proxy (the proxy is the only way to learn the raw access and refresh tokens the console obtains,
 * since the engine keeps only their hashes). Then: polls, allocations, extend, terminate, an event's allocation,
 * bulk actions, people search, settings, errors (bad credentials, unknown environment, a portal that goes away), and
 * stop.
 * Every contract method's reply and the whole SSE stream are written to `<out>/renderer-saw.txt`; every secret
 * the console put in its secret store and every token the proxy saw go to `<out>/secrets.json` (outside the data
 * folders, which are what gets searched).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startEngine } from '../../electron/engine/index';
import type { SecretStore } from '../../electron/services/core-types';
import { createSecretStore } from '../../electron/services/secret-store';
import { startWebConsole } from '../../electron/web/start-web-console';
import { WEB_API_PREFIX } from '../../shared/contract';
import { portalConfig } from '../support/engine-harness';
import { errorDetail } from '../../shared/util/error-text';

const out = process.env['AUDIT_OUT'] ?? '';
const root = process.env['AUDIT_ROOT'] ?? '';
if (!out || !root) throw new Error('AUDIT_OUT and AUDIT_ROOT are required');

const seen: string[] = [];
const secrets = new Set<string>();
const tokens = { access: new Set<string>(), refresh: new Set<string>(), activation: new Set<string>() };

/** The real store (keychain when one answers, else memory), recording what is put in it. */
function recording(store: SecretStore): SecretStore {
  return {
    persistent: store.persistent,
    describe: () => store.describe(),
    get: (a) => store.get(a),
    delete: (a) => store.delete(a),
    async set(account, value) {
      secrets.add(value);
      try {
        const parsed = JSON.parse(value) as unknown;
        // JSON bundles (the built-in engine's credentials): only the secret fields; ids and user names are shown
        if (parsed && typeof parsed === 'object') {
          for (const [k, v] of Object.entries(parsed))
            if (typeof v === 'string' && /secret|password|token/i.test(k)) secrets.add(v);
        }
      } catch {
        // a plain value
      }
      await store.set(account, value);
    },
  };
}

/** Forwards to the remote engine and records every token its /oauth2/token/ hands out. */
async function recordingProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          if (req.url?.startsWith('/oauth2/token/')) {
            try {
              const j = JSON.parse(body.toString('utf8')) as { access_token?: string; refresh_token?: string };
              if (j.access_token) tokens.access.add(j.access_token);
              if (j.refresh_token) tokens.refresh.add(j.refresh_token);
            } catch {
              // an error reply carries no token
            }
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const remoteDir = path.join(root, 'remote-engine');
  fs.mkdirSync(remoteDir, { recursive: true });
  const remoteConfig = path.join(root, 'remote-portal.yaml');
  fs.writeFileSync(
    remoteConfig,
    portalConfig({
      name: 'remote',
      workshops: [
        { name: 'lab-remote', capacity: 10, reserved: 1, expires: '30m', overtime: '10m', deadline: '60m' },
        { name: 'lab-tiny', capacity: 1, reserved: 0, expires: '10m' },
      ],
    }),
  );
  const remote = await startEngine({
    dataDir: remoteDir,
    configPath: remoteConfig,
    host: '127.0.0.1',
    port: 0,
    log: (l) => console.log(`remote-engine: ${l}`),
  });
  const rc = remote.credentials.robot;
  for (const s of [rc.password, rc.clientSecret, remote.credentials.admin.password]) secrets.add(s);
  const proxy = await recordingProxy(remote.url);

  const store = recording(await createSecretStore({ probeTimeoutMs: 2000 }));
  const web = await startWebConsole({
    dataDir: path.join(root, 'console'),
    port: 0,
    engine: true,
    secretStore: store,
    validateOutput: true,
    tuning: { pollIntervalMs: 150, requestTimeoutMs: 3000, retries: 1, retryBaseMs: 20 },
    log: (line) => console.log(line),
  });

  // the SSE stream, exactly as the renderer reads it
  const sse = new AbortController();
  const sseDone = (async () => {
    try {
      const res = await fetch(`${web.origin}${WEB_API_PREFIX}/events?token=${encodeURIComponent(web.token)}`, {
        signal: sse.signal,
      });
      const reader = res.body?.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        seen.push(decoder.decode(chunk.value, { stream: true }));
      }
    } catch {
      // aborted at the end
    }
  })();

  const call = async (
    method: string,
    input: unknown,
  ): Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string } }> => {
    const res = await fetch(`${web.origin}${WEB_API_PREFIX}/invoke/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const text = await res.text();
    seen.push(`${method} -> ${text}`);
    return JSON.parse(text) as { ok: boolean; data?: unknown; error?: { code: string; message: string } };
  };
  const must = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await call(method, input);
    if (!r.ok) throw new Error(`${method} failed: ${r.error?.code} ${r.error?.message}`);
    return r.data as T;
  };
  const until = async (what: string, test: () => Promise<boolean>, ms = 15_000): Promise<void> => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await test()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  type Snapshot = {
    portals: Array<{
      portalId: string;
      status: string;
      environments: Array<{ name: string; sessions: Array<{ name: string }> }>;
    }>;
  };
  const statusOf = async (id: string) =>
    (await must<Snapshot>('monitor.snapshot', {})).portals.find((p) => p.portalId === id);

  const info = await must<{ keychain: { available: boolean; backend: string } }>('app.info', {});
  const portals = await must<Array<{ id: string; builtin: boolean }>>('portals.list', {});
  const builtin = portals.find((p) => p.builtin);
  if (!builtin) throw new Error('no built-in portal');
  await until('the built-in portal to be live', async () => (await statusOf(builtin.id))?.status === 'live');

  const added = await must<{ id: string }>('portals.add', {
    label: 'Remote portal',
    baseUrl: proxy.url,
    clientId: rc.clientId,
    clientSecret: rc.clientSecret,
    username: rc.username,
    password: rc.password,
  });
  await must('portals.test', { id: added.id });
  await until('the remote portal to be live', async () => (await statusOf(added.id))?.status === 'live');

  // allocations on both portals, extend, terminate, look-ups
  const remoteAlloc = await must<{ session: string; activationUrl: string }>('sessions.request', {
    portalId: added.id,
    environment: 'remote-w01',
    user: 'alice',
    email: 'alice@example.org',
  });
  const builtinEnv = (await statusOf(builtin.id))?.environments[0]?.name ?? '';
  const builtinAlloc = await must<{ session: string; activationUrl: string }>('sessions.request', {
    portalId: builtin.id,
    environment: builtinEnv,
    email: 'bob@example.org',
  });
  for (const a of [remoteAlloc, builtinAlloc]) {
    const t = new URL(a.activationUrl).searchParams.get('token');
    if (t) tokens.activation.add(t);
  }
  await call('sessions.extend', { portalId: added.id, session: remoteAlloc.session });
  await must('people.find', { query: 'alice' });
  await must('monitor.history', { portalId: added.id });
  await must('sessions.terminate', { portalId: builtin.id, session: builtinAlloc.session });

  // an event with attendees from a CSV file, its links exported, and a bulk action
  const parsed = await must<{ rows: { email: string; firstName: string; lastName: string }[] }>(
    'events.parseAttendees',
    {
      text: 'email,first_name,last_name\ncarol@example.org,Carol,C\ndave@example.org,Dave,D\n',
      format: 'csv',
    },
  );
  const event = await must<{ id: string }>('events.create', {
    name: 'Audit day',
    portalId: added.id,
    environments: ['remote-w01'],
    startsAt: Date.now(),
    endsAt: Date.now() + 3_600_000,
  });
  const attendees = parsed.rows.map(({ email, firstName, lastName }) => ({ email, firstName, lastName }));
  await must('events.addAttendees', { eventId: event.id, attendees, source: 'csv' });
  await must('events.allocate', { eventId: event.id, scope: 'all' });
  await until('the allocation to finish', async () => {
    const d = await must<{ event: { run: { status: string } | null } }>('events.get', { eventId: event.id });
    return d.event.run !== null && d.event.run.status !== 'running';
  });
  const csv = await must<{ csv: string }>('events.exportCsv', { eventId: event.id, kind: 'links' });
  for (const m of csv.csv.matchAll(/token=([A-Za-z0-9]+)/g)) if (m[1]) tokens.activation.add(m[1]);
  const prepared = await must<{ confirmToken: string }>('sessions.bulkPrepare', {
    portalId: added.id,
    environment: 'remote-w01',
    action: 'terminate',
  });
  await must('sessions.bulkExecute', { confirmToken: prepared.confirmToken });
  await must('settings.update', {
    alerts: { capacityPercent: 80, expiringMinutes: 10, notifyOs: false },
    theme: 'dark',
  });
  await must('settings.get', {});

  // errors: unknown environment, a full environment, wrong credentials, a portal that is not there
  await call('sessions.request', { portalId: added.id, environment: 'remote-w99', user: 'erin' });
  await call('sessions.request', { portalId: added.id, environment: 'remote-w02', user: 'frank' });
  await call('sessions.request', { portalId: added.id, environment: 'remote-w02', user: 'grace' });
  const wrong = await must<{ id: string }>('portals.add', {
    label: 'Wrong password',
    baseUrl: proxy.url,
    clientId: rc.clientId,
    clientSecret: rc.clientSecret,
    username: rc.username,
    password: `${rc.password}-but-wrong`,
  });
  secrets.add(`${rc.password}-but-wrong`);
  await call('portals.test', { id: wrong.id });
  await until(
    'the wrong-password portal to be refused',
    async () => (await statusOf(wrong.id))?.status === 'credentials-rejected',
  );
  await call('portals.test', {
    draft: {
      label: 'Nowhere',
      baseUrl: 'http://127.0.0.1:9/',
      clientId: 'x',
      clientSecret: 'nowhere-secret-123456',
      username: 'u',
      password: 'nowhere-password-123456',
    },
  });
  secrets.add('nowhere-secret-123456');
  secrets.add('nowhere-password-123456');
  await call('portals.add', {
    label: '',
    baseUrl: 'javascript:alert(1)',
    clientId: '',
    clientSecret: '',
    username: '',
    password: '',
  });
  // the remote portal goes away mid-event, then the console sees it fail
  await proxy.close();
  await until(
    'the remote portal to be shown as down',
    async () => !['live', 'connecting'].includes((await statusOf(added.id))?.status ?? 'live'),
  );
  await call('sessions.extend', { portalId: added.id, session: remoteAlloc.session });
  await call('portals.remove', { id: wrong.id });

  // the data folders as they are while running (the SQLite WAL files exist only now), then stop
  fs.cpSync(root, path.join(out, 'running-snapshot'), { recursive: true });
  sse.abort();
  await sseDone;
  await web.close();
  await remote.close();

  fs.writeFileSync(path.join(out, 'renderer-saw.txt'), seen.join('\n'));
  fs.writeFileSync(
    path.join(out, 'secrets.json'),
    JSON.stringify({
      keychain: info.keychain,
      secrets: [...secrets],
      access: [...tokens.access],
      refresh: [...tokens.refresh],
      activation: [...tokens.activation],
      remoteEngineDir: remoteDir,
    }),
  );
  console.log('AUDIT_SCENARIO_DONE');
}

main().catch((err: unknown) => {
  console.error(`audit scenario failed: ${errorDetail(err)}`);
  process.exitCode = 1;
});
