/**
 * The check-in page in real Chromium against the console's web mode and its built-in engine: the facilitator opens
 * it from the event's Check-in tab, attendees (each in a browser context of their own, as on their own phones) check
 * in and land on their workshop session, and the page's refusals (a wrong code, a flood, a foreign Host) show as
 * pages, not errors. The Node tests in tests/checkin/ cover the rest (sharing, restarts, a remote portal, limits).
 *
 * With CHECKIN_SCREENSHOTS=1 the test also writes the pictures of docs/checkin.md into docs/images/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import {
  test,
  expect,
  callConsole,
  collectPageErrors,
  expectAccessible,
  startWebConsole,
  FAST_TUNING,
} from './fixtures';
import type { WebConsole } from '../../electron/web/start-web-console';
import { AppPage } from './pages/app-page';
import { EventPage } from './pages/events-page';

const DOCS_IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const SHOTS = process.env['CHECKIN_SCREENSHOTS'] === '1';
const CODE = 'KUBE-24';
/** the Check-in tab and the projector view load their code (and the QR library) on first visit */
const LAZY_MS = 20_000;

function engineConfig(dir: string): string {
  const file = path.join(dir, 'checkin-lab.yaml');
  fs.writeFileSync(
    file,
    [
      'apiVersion: training.educates.dev/v1beta1',
      'kind: TrainingPortal',
      'metadata: {name: checkin-lab}',
      'spec:',
      '  portal:',
      '    sessions: {maximum: 0, registered: 1, anonymous: 1}',
      '  workshops:',
      '  - {name: lab-kube, capacity: 2, reserved: 0, expires: 30m}',
      '---',
      'apiVersion: training.educates.dev/v1beta1',
      'kind: Workshop',
      'metadata: {name: lab-kube}',
      'spec: {title: Kubernetes Basics, description: Deploy your first application to a cluster.}',
      '',
    ].join('\n'),
  );
  return file;
}

async function builtinEnvironment(wc: WebConsole): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const snap = await callConsole(wc, 'monitor.snapshot', {});
    const env = snap.portals
      .find((p) => p.portalId === 'builtin' && p.status === 'live')
      ?.environments.find((e) => e.workshop.name === 'lab-kube' && e.state === 'RUNNING');
    if (env) return env.name;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the built-in engine never offered lab-kube');
}

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: path.join(DOCS_IMAGES, `checkin-${name}.png`), fullPage: true });
}

/** an attendee's own browser: page errors other than the refusals' HTTP statuses fail the test (CSP included) */
async function attendee(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 420, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.location().url}: ${m.text()}`);
  });
  return { context, page, errors };
}

function realErrors(errors: string[], engineOrigin: string): string[] {
  // a refusal is an HTTP status with a page (403, 429, 503): Chromium logs each as a failed load; and the engine's
  // session page has no icon (the browser asks for one unprompted)
  return errors.filter(
    (e) =>
      !/: Failed to load resource: the server responded with a status of (403|429|503)/.test(e) &&
      !e.startsWith(`${engineOrigin}/favicon.ico: `),
  );
}

async function checkIn(page: Page, url: string, who: { first: string; last: string; email: string; code?: string }) {
  await page.goto(url);
  await page.getByLabel('First name').fill(who.first);
  await page.getByLabel('Last name').fill(who.last);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Event code').fill(who.code ?? CODE);
  await page.getByRole('button', { name: 'Check in and start the workshop' }).click();
}

function sessionOf(url: string): string | null {
  return /\/workshops\/session\/([^/]+)\/$/.exec(new URL(url).pathname)?.[1] ?? null;
}

test('attendees check in on the built-in engine; the console sees them; refusals are pages', async ({
  browser,
  scratch,
}) => {
  test.setTimeout(240_000);
  const wc = await startWebConsole({
    dataDir: path.join(scratch, 'console'),
    port: 0,
    engine: true,
    engineConfigPath: engineConfig(scratch),
    validateOutput: true,
    tuning: FAST_TUNING,
  });
  const contexts: BrowserContext[] = [];
  const deskContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await deskContext.newPage();
  const consoleErrors = collectPageErrors(desk);
  try {
    const environment = await builtinEnvironment(wc);
    const engineOrigin = (await callConsole(wc, 'portals.list', {})).find((p) => p.id === 'builtin')?.baseUrl as string;
    const now = Date.now();
    const event = await callConsole(wc, 'events.create', {
      name: 'Cloud Native Day',
      portalId: 'builtin',
      environments: [environment],
      startsAt: now,
      endsAt: now + 4 * 3_600_000,
      activationWindowS: 3600,
      indexUrl: null,
    });

    // the facilitator: the event's Check-in tab, code set, started on this computer
    const app = new AppPage(desk);
    await app.open(wc.url);
    await desk.goto(`${wc.origin}/#/event/${event.id}/checkin`);
    const tab = desk.getByTestId('checkin-tab');
    await expect(tab).toBeVisible({ timeout: LAZY_MS });
    await expect(desk.getByTestId('checkin-state')).toHaveText('Off');
    await expect(desk.getByTestId('checkin-reach')).toHaveText('Only this computer can open the page.');
    await desk.getByTestId('checkin-code').fill(CODE);
    await desk.getByRole('button', { name: 'Start check-in' }).click();
    await expect(desk.getByTestId('checkin-state')).toHaveText('Open');
    const url = (await desk.getByTestId('checkin-url').textContent()) ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await expect(desk.getByTestId('checkin-qr')).toBeVisible();
    await expectAccessible(desk, 'the Check-in tab');
    await desk.emulateMedia({ colorScheme: 'dark' });
    await desk.getByRole('radio', { name: 'Share on the local network' }).check();
    await expect(desk.getByTestId('checkin-interface')).toBeVisible();
    await expectAccessible(desk, 'the Check-in tab, dark, share picker open');
    await desk.getByRole('radio', { name: 'Only this computer' }).check();
    await desk.emulateMedia({ colorScheme: 'light' });
    await shot(desk, 'console-tab');

    // the projector view: full window, the address and code in large type; Esc leaves it
    await desk.getByRole('link', { name: 'Projector view' }).click();
    await expect(desk.getByTestId('projector-url')).toHaveText(url, { timeout: LAZY_MS });
    await expect(desk.getByTestId('projector-code')).toHaveText(CODE);
    await expect(desk.locator('.projector-qr')).toBeVisible();
    await expect(desk.getByRole('navigation', { name: 'Screens' })).toHaveCount(0);
    await expectAccessible(desk, 'the projector view');
    await shot(desk, 'projector');
    await desk.keyboard.press('Escape');
    await expect(desk.getByTestId('checkin-tab')).toBeVisible();

    // Ada checks in: straight to her workshop session on the built-in engine
    const ada = await attendee(browser);
    contexts.push(ada.context);
    await ada.page.goto(url);
    await expect(ada.page.getByRole('heading', { level: 1 })).toHaveText('Cloud Native Day');
    await expect(ada.page.getByRole('heading', { name: 'Kubernetes Basics' })).toBeVisible();
    await expectAccessible(ada.page, 'the attendee page');
    await shot(ada.page, 'attendee');
    const adaWho = { first: 'Ada', last: 'Lovelace', email: 'ada@example.org' };
    await checkIn(ada.page, url, adaWho);
    await expect(ada.page).toHaveURL(new RegExp(`^${engineOrigin}/workshops/session/[^/]+/$`));
    await expect(ada.page.getByText('Kubernetes Basics').first()).toBeVisible();
    const adaSession = sessionOf(ada.page.url());
    expect(adaSession).not.toBeNull();

    // the console shows her live, as a walk-in
    await desk.getByRole('navigation', { name: 'Event' }).getByRole('link', { name: 'Attendees', exact: true }).click();
    const ev = new EventPage(desk);
    await expect(ev.row('ada@example.org')).toHaveAttribute('data-status', 'running');

    // again: the same session
    await checkIn(ada.page, url, adaWho);
    await expect(ada.page).toHaveURL(new RegExp(`/workshops/session/${adaSession}/$`));

    // Alan takes the last place; Grace finds none and stays on the page with the banner
    const alan = await attendee(browser);
    contexts.push(alan.context);
    await checkIn(alan.page, url, { first: 'Alan', last: 'Turing', email: 'alan@example.org' });
    await expect(alan.page).toHaveURL(/\/workshops\/session\/[^/]+\/$/);
    expect(sessionOf(alan.page.url())).not.toBe(adaSession);
    const grace = await attendee(browser);
    contexts.push(grace.context);
    await checkIn(grace.page, url, { first: 'Grace', last: 'Hopper', email: 'grace@example.org' });
    await expect(grace.page.locator('[data-notification="session-unavailable"]')).toContainText(
      'No workshop session is free right now.',
    );
    expect(grace.page.url()).toBe(url);
    await expect(grace.page.getByLabel('Email')).toHaveValue('grace@example.org');
    await shot(grace.page, 'banner-session-unavailable');
    await expect(ev.rows()).toHaveCount(3);
    await expect(ev.row('grace@example.org')).toHaveAttribute('data-status', 'failed');

    // the facilitator ends Ada's session; her reload lands on the check-in page with session-deleted
    await ev
      .row('ada@example.org')
      .getByRole('button', { name: /^Terminate session of/ })
      .click();
    await desk.getByTestId('terminate-dialog').getByRole('button', { name: 'Terminate' }).click();
    await expect(ev.row('ada@example.org')).toHaveAttribute('data-status', 'ended');
    await ada.page.reload();
    await expect(ada.page).toHaveURL(`${url}?notification=session-deleted`);
    await expect(ada.page.locator('[data-notification="session-deleted"]')).toContainText(
      'Your workshop session has ended.',
    );
    await shot(ada.page, 'banner-session-deleted');

    // the other banners the portal can send back
    for (const n of ['workshop-invalid', 'session-invalid', 'startup-timeout']) {
      await grace.page.goto(`${url}?notification=${n}`);
      await expect(grace.page.locator(`[data-notification="${n}"]`)).toBeVisible();
      await shot(grace.page, `banner-${n}`);
    }

    // a wrong code: refused, what was typed is kept, nobody is added
    const mallory = await attendee(browser);
    contexts.push(mallory.context);
    await checkIn(mallory.page, url, { first: 'Mal', last: 'Lory', email: 'mal@example.org', code: 'GUESS-1' });
    await expect(mallory.page.locator('#banner')).toContainText('That event code is not right.');
    await expect(mallory.page.getByLabel('Email')).toHaveValue('mal@example.org');
    await shot(mallory.page, 'wrong-code');
    // a flood of guesses from the same machine: after the per-address limit every submission is refused
    let refused = false;
    for (let i = 0; i < 15 && !refused; i++) {
      await checkIn(mallory.page, url, { first: 'Mal', last: 'Lory', email: 'mal@example.org', code: `GUESS-${i}` });
      refused = (await mallory.page.getByRole('heading', { name: 'Too many check-ins' }).count()) > 0;
    }
    expect(refused, 'the flood is refused').toBe(true);
    await shot(mallory.page, 'too-many');
    // the right code does not get through while the flood goes on
    await checkIn(mallory.page, url, { first: 'Mal', last: 'Lory', email: 'mal@example.org' });
    await expect(mallory.page.getByRole('heading', { name: 'Too many check-ins' })).toBeVisible();
    await expect(ev.rows()).toHaveCount(3);
    await desk.getByRole('navigation', { name: 'Event' }).getByRole('link', { name: 'Check-in', exact: true }).click();
    const stat = (label: string) => desk.getByTestId('checkin-stats').locator('div', { hasText: label }).locator('dd');
    await expect(stat('slowed down')).not.toHaveText('0');
    await expect(stat('walk-ins added')).toHaveText('3');

    // a foreign Host (a site's name re-pointed at this address: DNS rebinding) gets no page
    const rebinding = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        '--disable-gpu',
        '--host-resolver-rules=MAP rebind.test 127.0.0.1',
        '--disable-features=HttpsUpgrades',
      ],
    });
    try {
      const p = await rebinding.newPage();
      const foreign = `http://rebind.test:${new URL(url).port}/`;
      const answer = await p.goto(foreign);
      expect(answer?.status()).toBe(421);
      await expect(p.getByRole('heading', { level: 1 })).toHaveText('Wrong address');
      await expect(p.locator('form')).toHaveCount(0);
    } finally {
      await rebinding.close();
    }

    // stopping ends access at once
    await desk.getByRole('button', { name: 'Stop check-in' }).click();
    await expect(desk.getByTestId('checkin-state')).toHaveText('Off');
    await expect(grace.page.goto(url)).rejects.toThrow(/ERR_CONNECTION_REFUSED/);

    for (const who of [ada, alan, grace, mallory]) expect(realErrors(who.errors, engineOrigin)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  } finally {
    for (const c of contexts) await c.close();
    await deskContext.close();
    await wc.close();
  }
});
