import path from 'node:path';
import type { Page } from '@playwright/test';
import type { SecretStore } from '../../electron/services/core-types';
import type { WebConsole } from '../../electron/web/start-web-console';
import {
  callConsole,
  collectPageErrors,
  expect,
  expectAccessible,
  FAST_TUNING,
  startEngine,
  startWebConsole,
  test,
  type RunningEngine,
} from './fixtures';

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'electron');
const { MemorySecretStore } = require(path.join(DIST, 'services', 'secret-store.js')) as {
  MemorySecretStore: new () => SecretStore;
};

/** where the docs' screenshots go when LIVEVIEW_SCREENSHOTS is set (docs/dashboard.md shows them) */
const SHOTS = process.env['LIVEVIEW_SCREENSHOTS'] ? path.resolve(__dirname, '..', '..', 'docs', 'images') : null;

interface Creds {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

interface CatalogSession {
  user: string;
  state: string;
}
interface CatalogEnvironment {
  capacity: number;
  allocated: number;
  available: number;
  sessions?: CatalogSession[];
}
interface Catalog {
  portal: { sessions: { maximum: number; allocated: number } };
  environments: CatalogEnvironment[];
}

/** the portal's own catalog, read over its REST API as any client would (not through the console) */
async function readCatalog(url: string, c: Creds): Promise<Catalog> {
  const tokenRes = await fetch(`${url}/oauth2/token/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'password', username: c.username, password: c.password }).toString(),
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const res = await fetch(`${url}/workshops/catalog/environments/?sessions=true`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  return (await res.json()) as Catalog;
}

/** the now strip's figures computed from catalogs, by the rules the strip states in its labels */
function totalsOf(catalogs: Catalog[]) {
  const t = { running: 0, waiting: 0, free: 0, reserved: 0 };
  for (const c of catalogs) {
    let room = 0;
    for (const e of c.environments) {
      t.reserved += e.available;
      room += Math.max(0, e.capacity - e.allocated);
      for (const s of e.sessions ?? []) {
        if (!s.user) continue;
        if (s.state === 'RUNNING') t.running++;
        else if (s.state === 'STARTING' || s.state === 'WAITING') t.waiting++;
      }
    }
    const p = c.portal.sessions;
    t.free += p.maximum > 0 ? Math.min(room, Math.max(0, p.maximum - p.allocated)) : room;
  }
  return t;
}

async function shownTotals(page: Page) {
  const read = async (k: string) => Number(await page.getByTestId(`now-${k}`).locator('dd').getAttribute('data-value'));
  return {
    running: await read('running'),
    waiting: await read('waiting'),
    free: await read('free'),
    reserved: await read('reserved'),
  };
}

async function addEnginePortal(wc: WebConsole, engine: RunningEngine, label: string) {
  const c = engine.credentials.robot;
  return callConsole(wc, 'portals.add', { label, baseUrl: engine.url, ...c, pollIntervalMs: 1000 });
}

test(
  'live view: the now strip matches the catalogs; ' + 'a killed portal tops needs-attention, recovers with an alert',
  async ({ page, scratch }) => {
    test.setTimeout(120_000);
    // the built-in engine's robot credentials, known to the test so that it can read that portal's catalog itself
    const builtinCreds: Creds = {
      clientId: 'console-liveview',
      clientSecret: 'liveview-client-secret',
      username: 'robot@portal-console',
      password: 'liveview-robot-password',
    };
    const secretStore = new MemorySecretStore();
    await secretStore.set('builtin:credentials', JSON.stringify(builtinCreds));
    const second = await startEngine({ dataDir: path.join(scratch, 'second'), host: '127.0.0.1', port: 0 });
    const killedDir = path.join(scratch, 'killed');
    let killed: RunningEngine | null = await startEngine({ dataDir: killedDir, host: '127.0.0.1', port: 0 });
    const killedPort = killed.port;
    const killedCreds = killed.credentials.robot;
    const wc = await startWebConsole({
      dataDir: path.join(scratch, 'console'),
      port: 0,
      engine: true,
      validateOutput: true,
      tuning: FAST_TUNING,
      secretStore,
    });
    await page.setViewportSize({ width: 1400, height: 1000 });
    const errors = collectPageErrors(page);
    try {
      await addEnginePortal(wc, second, 'Second lab');
      const k = await addEnginePortal(wc, killed, 'Killed lab');
      const builtin = (await callConsole(wc, 'portals.list', {})).find((p) => p.builtin);
      expect(builtin, 'the built-in portal is listed').toBeTruthy();
      const builtinId = builtin?.id ?? '';
      const engineUrl = wc.engineUrl ?? '';

      // sessions for named people (New session) and for a bare user id
      await expect
        .poll(async () =>
          (await callConsole(wc, 'monitor.snapshot', {})).portals.every((p) => p.environments.length > 0),
        )
        .toBe(true);
      const snap = await callConsole(wc, 'monitor.snapshot', {});
      const envOf = (id: string) => snap.portals.find((p) => p.portalId === id)?.environments[0]?.name ?? '';
      const env = envOf(builtinId);
      await callConsole(wc, 'sessions.request', {
        portalId: builtinId,
        environment: env,
        email: 'ada@example.org',
        firstName: 'Ada',
        lastName: 'Lovelace',
      });
      await callConsole(wc, 'sessions.request', {
        portalId: builtinId,
        environment: env,
        email: 'grace@example.org',
        firstName: 'Grace',
        lastName: 'Hopper',
      });
      const secondId = snap.portals.find((p) => p.label === 'Second lab')?.portalId ?? '';
      await callConsole(wc, 'sessions.request', {
        portalId: secondId,
        environment: envOf(secondId),
        user: 'walk-in-1',
      });

      await page.goto(wc.url);
      await page.locator('body[data-ready="true"]').waitFor();
      await expect(page.getByTestId('now-portals').locator('dd')).toHaveText('3 of 3');
      await expect(page.getByTestId('portal-builtin')).toHaveCount(1);

      // the strip's numbers are the catalogs' (read again until the console's poll has caught up with them)
      const catalogs = () =>
        Promise.all([
          readCatalog(engineUrl, builtinCreds),
          readCatalog(second.url, second.credentials.robot),
          readCatalog(`http://127.0.0.1:${killedPort}`, killedCreds),
        ]);
      await expect
        .poll(async () => {
          const expected = totalsOf(await catalogs());
          const shown = await shownTotals(page);
          return JSON.stringify(shown) === JSON.stringify(expected)
            ? 'match'
            : `shown ${JSON.stringify(shown)}, catalogs ${JSON.stringify(expected)}`;
        })
        .toBe('match');
      expect((await shownTotals(page)).waiting).toBeGreaterThanOrEqual(3);
      await expect(page.getByTestId('attention-none')).toBeVisible();
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'fleet-overview.png') });

      // the portal dies: it is the first thing that needs attention, with its reason, before it is even "offline"
      await killed.close();
      killed = null;
      const first = page.getByTestId('attention-item').first();
      await expect(first).toHaveAttribute('data-key', `portal:${k.id}`);
      await expect(first.getByTestId('attention-detail')).toHaveText(`portal unreachable: 127.0.0.1:${killedPort}`);
      await expect(first.getByRole('button', { name: /^Retry now: Killed lab/ })).toBeVisible();
      const offline = page.getByTestId('alert-row').filter({ hasText: 'Portal offline · Killed lab' });
      await expect(offline).toBeVisible();
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'fleet-attention.png') });
      // the overview with a failing portal, its attention item and its alert is accessible in both themes
      for (const scheme of ['dark', 'light'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await expectAccessible(page, `fleet overview with a failing portal (${scheme})`);
      }

      // it comes back on the same port: it leaves the list, and a recovery alert says so
      killed = await startEngine({ dataDir: killedDir, host: '127.0.0.1', port: killedPort });
      const recovered = page.getByTestId('alert-row').filter({ hasText: 'Portal back · Killed lab' });
      await expect(recovered).toBeVisible();
      await expect(recovered).toContainText('Killed lab answers again');
      await expect(page.locator(`[data-key="portal:${k.id}"]`)).toHaveCount(0);
      await expect(page.getByTestId('toast').filter({ hasText: 'Killed lab answers again' })).toBeVisible();

      // acknowledging clears it, and the acknowledgement is the console's (a reload keeps it)
      await recovered.getByRole('button', { name: /^Acknowledge/ }).click();
      await expect(recovered).toHaveCount(0);
      await page.getByTestId('alerts-ack-all').click();
      await expect(page.getByTestId('alert-row')).toHaveCount(0);
      const log = await callConsole(wc, 'alerts.list', {});
      expect(log.filter((a) => a.portalId === k.id).map((a) => a.kind)).toEqual(['portal-offline', 'portal-recovered']);
      expect(log.every((a) => a.acknowledgedAt !== null)).toBe(true);
      expect(log.find((a) => a.kind === 'portal-recovered')?.portalLabel).toBe('Killed lab');
      await page.reload();
      await page.locator('body[data-ready="true"]').waitFor();
      await expect(page.getByTestId('alerts-panel')).toContainText('No alerts waiting');

      // people, not ids: the session table names the owner, and its filter finds them by part of a name
      await page.goto(`${wc.origin}/#/portal/${encodeURIComponent(builtinId)}/env/${encodeURIComponent(env)}`);
      await expect(
        page.getByTestId('session-owner').filter({ hasText: 'Ada Lovelace · ada@example.org' }),
      ).toBeVisible();
      await page.getByLabel('Filter sessions').fill('hopp');
      await expect(page.getByTestId('session-row')).toHaveCount(1);
      await expect(page.getByTestId('session-owner')).toHaveText('Grace Hopper · grace@example.org');

      // presenter mode: the strip and the gauges, large; axe-clean in both themes; Esc leaves
      await page.goto(`${wc.origin}/#/fleet`);
      await page.getByTestId('presenter-button').click();
      await expect(page.getByTestId('presenter')).toBeVisible();
      await expect(page.getByTestId('presenter-portal')).toHaveCount(3);
      await expect(page.getByRole('navigation', { name: 'Screens' })).toHaveCount(0);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await expectAccessible(page, `presenter mode (${scheme})`);
        if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `presenter-${scheme}.png`) });
      }
      // live: a new session shows on the projector without a reload
      const before = (await shownTotals(page)).waiting;
      await callConsole(wc, 'sessions.request', {
        portalId: secondId,
        environment: envOf(secondId),
        user: 'walk-in-2',
      });
      await expect.poll(async () => (await shownTotals(page)).waiting).toBe(before + 1);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('heading', { level: 1, name: 'Fleet overview' })).toBeVisible();
      expect(errors, 'no page errors or CSP violations in the console').toEqual([]);
    } finally {
      await wc.close();
      await killed?.close();
      await second.close();
    }
  },
);
