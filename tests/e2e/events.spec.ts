import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import {
  test,
  expect,
  callConsole,
  collectPageErrors,
  expectAccessible,
  startEngine,
  startWebConsole,
  FAST_TUNING,
  type RunningEngine,
} from './fixtures';
import type { WebConsole } from '../../electron/web/start-web-console';
import type { SecretStore } from '../../electron/services/core-types';
import { startFaultPortal } from '../fakes/fault-portal';
import { AppPage } from './pages/app-page';
import { EventPage, EventsPage, downloadText } from './pages/events-page';

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'electron');
const { MemorySecretStore } = require(path.join(DIST, 'services', 'secret-store.js')) as {
  MemorySecretStore: new () => SecretStore;
};

const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis'];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Ritchie',
];
const FORMULA_NAME = '=HYPERLINK("http://evil.example","click")';
/** the report and the handout load their code on first visit (recharts, qrcode): slower on a busy machine */
const LAZY_MS = 20_000;

/** 39 ordinary attendees, one whose first name is a spreadsheet formula, one bad email and one duplicate: 40 valid. */
function attendeeCsv(): string {
  const rows = ['email,first_name,last_name'];
  for (let i = 1; i <= 39; i++) {
    const n = String(i).padStart(2, '0');
    rows.push(`attendee${n}@example.org,${FIRST[i % 10]},${LAST[(i * 3) % 10]}-${n}`);
    if (i === 7) rows.push('not-an-email,Bad,Row');
    if (i === 20) rows.push('attendee05@example.org,Same,Person');
  }
  rows.push(`mallory@example.org,"${FORMULA_NAME.replace(/"/g, '""')}",Mallory`);
  return `${rows.join('\n')}\n`;
}

function engineConfig(dir: string, name: string): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      'apiVersion: training.educates.dev/v1beta1',
      'kind: TrainingPortal',
      `metadata: {name: ${name}}`,
      'spec:',
      '  portal:',
      '    sessions: {maximum: 0, registered: 1}',
      '  workshops:',
      '  - {name: lab-events, capacity: 50, reserved: 2, expires: 30m}',
      '---',
      'apiVersion: training.educates.dev/v1beta1',
      'kind: Workshop',
      'metadata: {name: lab-events}',
      'spec: {title: Events Lab, description: A lab for the events test.}',
      '',
    ].join('\n'),
  );
  return file;
}

/** A portal the test runs itself, so it stays up (same port, same sessions) while the console restarts. */
async function addEnginePortal(wc: WebConsole, engine: RunningEngine, label: string) {
  const c = engine.credentials.robot;
  return callConsole(wc, 'portals.add', {
    label,
    baseUrl: engine.url,
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    username: c.username,
    password: c.password,
    pollIntervalMs: 1000,
  });
}

function csvRecords(text: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

test('40 attendees: bad CSV rows, allocate, restart, links opened, terminate, report, handout', async ({
  browser,
  scratch,
}, info) => {
  test.setTimeout(240_000);
  const engine = await startEngine({
    dataDir: path.join(scratch, 'engine'),
    host: '127.0.0.1',
    port: 0,
    configPath: engineConfig(scratch, 'events-lab'),
  });
  // the keychain of this "machine": the remote portal's secrets survive the console's restart in it
  const secretStore = new MemorySecretStore();
  const dataDir = path.join(scratch, 'console');
  const options = { dataDir, port: 0, engine: false, validateOutput: true, tuning: FAST_TUNING, secretStore };
  let wc: WebConsole | null = await startWebConsole(options);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectPageErrors(page);
  try {
    await addEnginePortal(wc, engine, 'Events lab');
    const app = new AppPage(page);
    await app.open(wc.url);

    // create the event: 60-minute window (the default, said so)
    await app.go('Events');
    const events = new EventsPage(page);
    await events.create({
      name: 'Cluster day',
      portal: 'Events lab',
      workshops: ['Events Lab'],
      window: '60 minutes (default)',
    });
    const ev = new EventPage(page);
    await expect(page.getByTestId('event-meta')).toContainText('activation window 1 h');

    // the CSV: the preview reports the bad email and the duplicate; 40 valid rows are added
    await ev.uploadCsv('attendees.csv', attendeeCsv());
    await expect(ev.preview().getByRole('heading')).toHaveText('attendees.csv: 40 valid rows, 2 rejected');
    const bad = page.getByTestId('attendee-bad-rows');
    await expect(bad).toContainText('not-an-email');
    await expect(bad).toContainText(/bad email/);
    await expect(bad).toContainText(/duplicate email/);
    await ev.addPreviewed();
    await expect(ev.outcome()).toContainText('Added 40 attendees.');
    await expect(ev.count('not-allocated')).toHaveText('40');
    // the formula name is text on the screen, not a link or a formula
    await ev.search('mallory');
    await expect(ev.row('mallory@example.org')).toContainText(`${FORMULA_NAME} Mallory`);
    await expect(ev.row('mallory@example.org').locator('a[href*="evil"]')).toHaveCount(0);
    await ev.search('');

    // allocate everyone
    await ev.allocate('not-yet-allocated');
    await expect(ev.count('waiting')).toHaveText('40');
    await expect(ev.run()).toHaveAttribute('data-status', 'done');
    await expect(ev.run()).toContainText('40 allocated, 0 failed of 40');
    const before = csvRecords(await ev.exportLinks());
    expect(before).toHaveLength(40);
    const mallory = before.find((r) => r['email'] === 'mallory@example.org');
    expect(mallory?.['first_name'], 'a formula is escaped in the export').toBe(`'${FORMULA_NAME}`);
    for (const r of before) {
      expect(r['status']).toBe('waiting');
      expect(r['activation_url']).toMatch(new RegExp(`^${engine.url}/workshops/session/\\S+/activate/\\?token=`));
    }
    const eventUrl = new URL(page.url()).hash;
    await page.screenshot({ path: info.outputPath('allocated.png') });

    // restart the console on the same data folder: every status and link is still there. The page leaves first:
    // left open, it would reconnect to the stopped server and log a failed load, depending on timing.
    await page.goto('about:blank');
    await wc.close();
    wc = null;
    wc = await startWebConsole(options);
    await app.open(wc.url);
    await page.goto(`${wc.origin}/${eventUrl}`);
    await expect(ev.count('waiting')).toHaveText('40');
    const after = csvRecords(await ev.exportLinks());
    const link = (rows: Record<string, string>[], email: string) => rows.find((r) => r['email'] === email);
    for (const r of before) {
      const a = link(after, r['email'] as string);
      expect(a?.['session'], r['email']).toBe(r['session']);
      expect(a?.['activation_url'], r['email']).toBe(r['activation_url']);
      expect(a?.['status'], r['email']).toBe('waiting');
    }
    // and each row offers the same link
    await ev.search('attendee13');
    await expect(ev.row('attendee13@example.org').getByRole('link', { name: /^Open link of/ })).toHaveAttribute(
      'href',
      link(before, 'attendee13@example.org')?.['activation_url'] as string,
    );
    await ev.search('');

    // three attendees open their links in another browser: their rows turn running
    const opened = ['attendee01@example.org', 'attendee02@example.org', 'mallory@example.org'];
    const elsewhere = await browser.newContext();
    for (const email of opened) {
      const p = await elsewhere.newPage();
      await p.goto(link(before, email)?.['activation_url'] as string);
      await expect(p.getByText('Events Lab').first()).toBeVisible();
    }
    await elsewhere.close();
    await expect(ev.count('running')).toHaveText('3');
    await expect(ev.count('waiting')).toHaveText('37');
    await expect(ev.activated()).toHaveText('Activated 3 of 40');
    await ev.filter('running');
    await expect(ev.rows()).toHaveCount(3);
    for (const email of opened) await expect(ev.row(email)).toHaveAttribute('data-status', 'running');
    await expect(ev.row('attendee01@example.org').getByTestId('countdown')).toHaveText(/^\d+:\d\d$/);
    await page.screenshot({ path: info.outputPath('running.png') });
    await ev.filter('all');

    // the handout: one card with a QR code per attendee holding a live link (all 40), one page each in print
    await ev.tab('Handout');
    // the handout's code (and the QR library) loads on first visit: on a busy machine that takes a while
    await expect(page.getByTestId('handout-card')).toHaveCount(40, { timeout: LAZY_MS });
    await expect(page.getByTestId('handout-qr')).toHaveCount(40, { timeout: LAZY_MS });
    await expect(page.getByTestId('handout-card').filter({ hasText: `${FORMULA_NAME} Mallory` })).toHaveCount(1);
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('navigation', { name: 'Screens' })).toBeHidden();
    await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
    const pdf = (await page.pdf()).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page[^s]/g)?.length, 'one printed page per card').toBe(40);
    await page.emulateMedia({ media: 'screen' });

    // the fleet card says how many have started
    await app.go('Fleet overview');
    await expect(app.portalCard('Events lab').getByTestId('portal-event')).toContainText('Cluster day');
    await expect(app.portalCard('Events lab').getByTestId('portal-event')).toContainText('activated 3 of 40');

    // terminate one: it turns ended
    await page.goto(`${wc.origin}/${eventUrl}`);
    await ev.search('attendee02');
    await ev
      .row('attendee02@example.org')
      .getByRole('button', { name: /^Terminate session of/ })
      .click();
    await page.getByTestId('terminate-dialog').getByRole('button', { name: 'Terminate' }).click();
    await expect(ev.row('attendee02@example.org')).toHaveAttribute('data-status', 'ended');
    await expect(ev.row('attendee02@example.org').getByRole('button', { name: /^Reissue/ })).toBeVisible();
    await expect(ev.count('ended')).toHaveText('1');
    await expect(ev.count('running')).toHaveText('2');

    // the report's numbers match
    await ev.tab('Report');
    const total = (id: string) => page.getByTestId(`total-${id}`).locator('dd');
    await expect(total('attendees')).toHaveText('40', { timeout: LAZY_MS });
    await expect(total('allocated')).toHaveText('40');
    await expect(total('activated')).toHaveText('3');
    await expect(total('show-up')).toHaveText('7.5 %');
    await expect(total('peak-running')).toHaveText('3');
    await expect(total('peak-allocated')).toHaveText('40');
    await expect(total('capacity-used')).toHaveText('80 % of 50');
    await expect(total('ended')).toHaveText('1');
    await expect(total('expired')).toHaveText('0');
    await expect(total('failed')).toHaveText('0');
    await expect(page.getByTestId('report-row')).toHaveCount(40);
    await expect(page.locator('[data-testid="report-row"][data-status="running"]')).toHaveCount(2);
    const ended = page.locator('[data-testid="report-row"][data-email="attendee02@example.org"]');
    await expect(ended).toHaveAttribute('data-status', 'ended');
    await expect(ended.locator('td').nth(5)).toHaveText(/(^|\s)\d\d:\d\d$/);
    await expect(page.getByTestId('report-chart')).toBeVisible();
    // its axis is on a 24-hour clock
    await expect(
      page
        .getByTestId('report-chart')
        .locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value')
        .first(),
    ).toHaveText(/^\d\d:\d\d(:\d\d)?$/);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export report as CSV' }).click();
    const report = csvRecords(await downloadText(await download));
    expect(report).toHaveLength(40);
    expect(report.filter((r) => r['first_running_at']).length).toBe(3);
    expect(report.find((r) => r['email'] === 'mallory@example.org')?.['first_name']).toBe(`'${FORMULA_NAME}`);
    await page.screenshot({ path: info.outputPath('report.png'), fullPage: true });

    // people search by name parts shows the attendee with their name and email beside the user id
    await app.go('People');
    await page.getByRole('searchbox', { name: 'Name, email or user id' }).fill('mallory');
    await page.getByRole('button', { name: 'Find sessions' }).click();
    await expect(page.getByTestId('person-attendee')).toContainText('mallory@example.org');
    await expect(page.getByTestId('person-attendee')).toContainText('Cluster day');
    await expect(page.getByTestId('person-session')).toContainText('mallory@example.org');
    expect(errors, 'no page errors or CSP violations in the console').toEqual([]);
  } finally {
    await page.close();
    await wc?.close();
    await engine.close();
  }
});

test('Learning Center: links that die after 60 s are announced; only a confirmation allocates', async ({
  app,
  page,
  webConsole,
}) => {
  const lc = await startFaultPortal({
    name: 'lc',
    generation: 'learning-center',
    environments: [{ name: 'lc-w01', title: 'Old Lab', capacity: 10, duration: 1800 }],
  });
  try {
    await callConsole(webConsole, 'portals.add', {
      label: 'Old TAP',
      baseUrl: lc.url,
      clientId: lc.options.clientId,
      clientSecret: lc.options.clientSecret,
      username: lc.options.username,
      password: lc.options.password,
      pollIntervalMs: 1000,
    });
    await app.go('Events');
    await new EventsPage(page).create({ name: 'Legacy lab', portal: 'Old TAP', workshops: ['Old Lab'] });
    const ev = new EventPage(page);
    await ev.paste('Ada Lovelace <ada@example.org>\nAlan Turing <alan@example.org>');
    await ev.addPreviewed();
    await expect(ev.count('not-allocated')).toHaveText('2');

    await ev.allocate('not-yet-allocated');
    const dialog = page.getByTestId('short-activation-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Learning Center');
    await expect(dialog).toContainText('60 seconds');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(ev.count('not-allocated')).toHaveText('2');
    expect(lc.hits.get('POST /workshops/environment/lc-w01/request/') ?? 0, 'nothing was requested').toBe(0);

    await ev.allocate('not-yet-allocated');
    await dialog.getByRole('button', { name: 'Allocate anyway' }).click();
    await expect(ev.count('waiting')).toHaveText('2');
    expect(lc.hits.get('POST /workshops/environment/lc-w01/request/')).toBe(2);
  } finally {
    await lc.close();
  }
});

test('paste, one person, edit, remove; archive; delete keeps sessions unless asked to end them', async ({
  app,
  page,
  webConsole,
}) => {
  await app.go('Fleet overview');
  const card = app.portalCard(/.+/).first();
  const env = (await card.getByTestId('environment').first().getAttribute('data-environment')) as string;
  const title = (await card.getByTestId('environment').first().locator('.env-title').textContent()) as string;
  await app.go('Events');
  const events = new EventsPage(page);
  await expect(page.getByText('No events yet.')).toBeVisible();
  const portal = (await callConsole(webConsole, 'portals.list', {}))[0]?.label as string;
  await events.create({ name: 'Edits', portal, workshops: [title], window: 'None (no deadline)' });
  const ev = new EventPage(page);
  await expect(page.getByTestId('event-meta')).toContainText('activation window none');

  await ev.paste('"Lovelace, Ada" <ada@example.org>; Alan Turing alan@example.org\nnobody at all');
  await expect(ev.preview().getByRole('heading')).toHaveText('the pasted list: 2 valid rows, 1 rejected');
  await ev.addPreviewed();
  await expect(ev.outcome()).toContainText('Added 2 attendees.');
  const panel = await ev.openAdd();
  await panel.getByRole('button', { name: 'One person' }).click();
  await panel.getByLabel('First name').fill('Grace');
  await panel.getByLabel('Last name').fill('Hopper');
  await panel.getByLabel('Email', { exact: true }).fill('grace@example.org');
  await panel.getByRole('button', { name: 'Add attendee' }).click();
  await expect(ev.count('not-allocated')).toHaveText('3');
  await expect(ev.row('ada@example.org')).toContainText('Ada Lovelace');
  await expect(ev.row('ada@example.org')).toContainText('ada-example-org');
  // adding the same person again is reported, not done twice
  await panel.getByLabel('Email', { exact: true }).fill('GRACE@example.org');
  await panel.getByRole('button', { name: 'Add attendee' }).click();
  await expect(ev.outcome()).toContainText('already in this event');
  await expect(ev.count('not-allocated')).toHaveText('3');

  // edit: a corrected email carries the user id made from it
  await ev.row('alan@example.org').getByRole('button', { name: /^Edit/ }).click();
  const edit = page.getByTestId('edit-attendee');
  await edit.getByLabel('Email', { exact: true }).fill('alan.turing@example.org');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(ev.row('alan.turing@example.org')).toContainText('alan-turing-example-org');

  // allocate Ada only; no activation deadline
  await ev
    .row('ada@example.org')
    .getByRole('button', { name: /^Allocate a session/ })
    .click();
  await expect(ev.row('ada@example.org')).toHaveAttribute('data-status', 'waiting');
  await expect(ev.row('ada@example.org')).toContainText('no deadline');

  // remove Grace (no session: no question about sessions)
  await ev.row('grace@example.org').getByRole('button', { name: /^Edit/ }).click();
  await edit.getByRole('button', { name: 'Remove from the event…' }).click();
  const remove = page.getByTestId('remove-dialog');
  await expect(remove.getByRole('checkbox')).toHaveCount(0);
  await remove.getByRole('button', { name: 'Remove' }).click();
  await expect(ev.row('grace@example.org')).toHaveCount(0);
  await expect(page.getByTestId('count-not-allocated').locator('strong')).toHaveText('1');

  // archive and restore from the list
  await app.go('Events');
  await events.row('Edits').getByRole('button', { name: 'Archive Edits' }).click();
  await expect(events.row('Edits')).toHaveCount(0);
  await page.getByText(/Show archived events/).click();
  await expect(events.row('Edits')).toHaveAttribute('data-archived', 'true');
  await events.row('Edits').getByRole('button', { name: 'Restore Edits' }).click();
  await expect(events.row('Edits')).toHaveAttribute('data-archived', 'false');

  // delete without ticking the box: Ada's session stays on the portal
  await events.row('Edits').getByRole('button', { name: 'Delete Edits' }).click();
  const del = page.getByTestId('delete-event-dialog');
  await expect(del).toContainText('1 attendee has a session');
  await expect(del.getByRole('checkbox', { name: 'Also end their sessions' })).not.toBeChecked();
  await del.getByRole('button', { name: 'Delete event' }).click();
  await expect(events.row('Edits')).toHaveCount(0);
  const sessions = await callConsole(webConsole, 'people.find', { query: 'ada@example.org' });
  expect(sessions.sessions.filter((s) => s.environment === env && s.state !== 'STOPPING')).toHaveLength(1);
});

test('an unopened link expires after the activation window, and reissue gives a new one', async ({ page, scratch }) => {
  // an engine that deletes expired sessions at once, and an event with a 5-second window (set through the API:
  // the form offers whole minutes)
  const engine = await startEngine({
    dataDir: path.join(scratch, 'engine'),
    host: '127.0.0.1',
    port: 0,
    purgeAfterMs: 500,
  });
  const wc = await startWebConsole({
    dataDir: path.join(scratch, 'console'),
    port: 0,
    engine: false,
    validateOutput: true,
    tuning: FAST_TUNING,
  });
  const errors = collectPageErrors(page);
  try {
    const portal = await addEnginePortal(wc, engine, 'Quick lab');
    const snapshot = await callConsole(wc, 'monitor.snapshot', {});
    const env = snapshot.portals.find((p) => p.portalId === portal.id)?.environments[0]?.name ?? 'demo-portal-w01';
    const now = Date.now();
    const event = await callConsole(wc, 'events.create', {
      name: 'Short window',
      portalId: portal.id,
      environments: [env],
      startsAt: now,
      endsAt: now + 3_600_000,
      activationWindowS: 5,
      indexUrl: null,
    });
    await callConsole(wc, 'events.addAttendees', {
      eventId: event.id,
      attendees: [{ email: 'late@example.org' }],
      source: 'manual',
    });
    const app = new AppPage(page);
    await app.open(wc.url);
    await page.goto(`${wc.origin}/#/event/${event.id}`);
    const ev = new EventPage(page);
    await ev.allocate('not-yet-allocated');
    const row = ev.row('late@example.org');
    await expect(row).toHaveAttribute('data-status', 'waiting');
    const first = await row.locator('.att-session').textContent();
    await expect(row).toHaveAttribute('data-status', 'expired', { timeout: 30_000 });
    await expect(row).not.toContainText('Copy');
    await expect(page.getByTestId('allocation-hint')).toContainText(
      '1 link was not opened within the activation window',
    );
    await expect(row.getByRole('button', { name: /^Reissue/ })).toBeVisible();
    await page.getByTestId('allocation-panel').getByRole('button', { name: 'Reissue expired (1)' }).click();
    await expect(row).toHaveAttribute('data-status', 'waiting');
    await expect(row.locator('.att-session')).not.toHaveText(first ?? '');
    await expect(row.getByRole('link', { name: /^Open link of/ })).toHaveAttribute('href', /activate\/\?token=/);
    expect(errors).toEqual([]);
  } finally {
    await wc.close();
    await engine.close();
  }
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the events screens pass axe (${scheme})`, async ({ app, page, webConsole }, info) => {
    test.setTimeout(150_000);
    await page.emulateMedia({ colorScheme: scheme });
    await app.go('Events');
    await expectAccessible(page, `events, empty (${scheme})`);
    await page.getByRole('link', { name: 'New event' }).first().click();
    await expectAccessible(page, `new event (${scheme})`);
    const portal = (await callConsole(webConsole, 'portals.list', {}))[0]?.label as string;
    const title =
      (await page.getByTestId('event-environments').getByRole('checkbox').first().locator('..').textContent()) ?? '';
    await page.getByRole('link', { name: 'Events', exact: true }).first().click();
    await new EventsPage(page).create({ name: `Axe ${scheme}`, portal, workshops: [title.split(' (')[0] as string] });
    const ev = new EventPage(page);
    await ev.paste('Ada Lovelace <ada@example.org>\nAlan Turing <alan@example.org>\nbad');
    await expectAccessible(page, `add attendees with a preview (${scheme})`);
    await ev.addPreviewed();
    await ev.allocate('not-yet-allocated');
    await expect(ev.count('waiting')).toHaveText('2');
    await expectAccessible(page, `attendees (${scheme})`);
    await page.screenshot({ path: info.outputPath(`attendees-${scheme}.png`) });
    await ev.row('ada@example.org').getByRole('button', { name: /^Edit/ }).click();
    await expectAccessible(page, `edit attendee dialog (${scheme})`);
    await page.getByTestId('edit-attendee').getByRole('button', { name: 'Cancel' }).click();
    await ev.tab('Report');
    await expect(page.getByTestId('report-chart')).toBeVisible({ timeout: LAZY_MS });
    await expectAccessible(page, `report (${scheme})`);
    await ev.tab('Handout');
    await expect(page.getByTestId('handout-qr')).toHaveCount(2, { timeout: LAZY_MS });
    await expectAccessible(page, `handout (${scheme})`);
    await ev.tab('Edit event');
    await expectAccessible(page, `edit event (${scheme})`);
    await app.go('Events');
    await page.getByRole('button', { name: `Delete Axe ${scheme}` }).click();
    await expectAccessible(page, `delete dialog (${scheme})`);
    await page.getByTestId('delete-event-dialog').getByRole('button', { name: 'Cancel' }).click();
    await app.go('Fleet overview');
    await expect(page.getByTestId('portal-event')).toContainText('activated 0 of 2');
    await expectAccessible(page, `fleet with an event (${scheme})`);
  });
}

test('2,000 attendees: the table renders only the rows in view, scrolls to the last, and search finds anyone', async ({
  app,
  page,
  webConsole,
}) => {
  const portal = (await callConsole(webConsole, 'portals.list', {}))[0];
  const snapshot = await callConsole(webConsole, 'monitor.snapshot', {});
  const env = snapshot.portals[0]?.environments[0]?.name as string;
  const now = Date.now();
  const event = await callConsole(webConsole, 'events.create', {
    name: 'Big day',
    portalId: portal?.id as string,
    environments: [env],
    startsAt: now,
    endsAt: now + 8 * 3_600_000,
    activationWindowS: 3600,
    indexUrl: null,
  });
  const attendees = Array.from({ length: 2000 }, (_, i) => ({
    email: `person${String(i + 1).padStart(4, '0')}@example.org`,
    firstName: FIRST[i % 10] as string,
    lastName: `${LAST[(i * 7) % 10]} ${i + 1}`,
  }));
  await callConsole(webConsole, 'events.addAttendees', { eventId: event.id, attendees, source: 'csv' });
  await page.goto(`${webConsole.origin}/#/event/${event.id}`);
  await app.waitReady();
  const ev = new EventPage(page);
  await expect(page.getByTestId('attendee-count')).toHaveText('2000 of 2000 attendees');
  await expect(page.getByTestId('attendee-table')).toHaveAttribute('aria-rowcount', '2001');
  const rendered = await ev.rows().count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered, 'only the rows in view (and a few more) are in the page').toBeLessThan(60);
  await page.getByTestId('attendee-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(ev.row('person2000@example.org')).toBeVisible();
  await ev.search('edsger turing 1234');
  await expect(ev.rows()).toHaveCount(1);
  await expect(ev.row('person1234@example.org')).toBeVisible();
});

test('cancel stops a run (the rest stay not allocated); failures show why and are retried', async ({
  app,
  page,
  webConsole,
}) => {
  const portal = await startFaultPortal({
    name: 'slow',
    environments: [{ name: 'slow-w01', title: 'Slow Lab', capacity: 30, duration: 1800 }],
  });
  try {
    await callConsole(webConsole, 'portals.add', {
      label: 'Slow portal',
      baseUrl: portal.url,
      clientId: portal.options.clientId,
      clientSecret: portal.options.clientSecret,
      username: portal.options.username,
      password: portal.options.password,
      pollIntervalMs: 1000,
    });
    await app.go('Events');
    await new EventsPage(page).create({ name: 'Slow day', portal: 'Slow portal', workshops: ['Slow Lab'] });
    const ev = new EventPage(page);
    await ev.paste(Array.from({ length: 12 }, (_, i) => `Person ${i + 1} <p${i + 1}@example.org>`).join('\n'));
    await ev.addPreviewed();
    await expect(ev.count('not-allocated')).toHaveText('12');

    // each request takes 1.5 s (4 at a time): cancel while the run goes
    portal.setFault({ kind: 'slow', delayMs: 1500 }, /\/request\/$/);
    await ev.allocate('not-yet-allocated');
    await expect(ev.run()).toHaveAttribute('data-status', 'running');
    await expect(page.getByRole('progressbar', { name: 'Allocation progress' })).toBeVisible();
    await page.getByRole('button', { name: 'Cancel allocation' }).click();
    await expect(ev.run()).toHaveAttribute('data-status', 'cancelled');
    await expect(ev.run()).toContainText(/not requested \(cancelled\)/);
    await expect(ev.count('allocating')).toHaveText('0');
    const waiting = Number(await ev.count('waiting').textContent());
    const left = Number(await ev.count('not-allocated').textContent());
    expect(left, 'the cancelled ones were not requested').toBeGreaterThan(0);
    expect(waiting + left).toBe(12);
    const retry = page.getByTestId('allocation-panel').getByRole('button', { name: /^Retry failed/ });
    await expect(retry).toHaveText('Retry failed (0)');
    await expect(retry).toBeDisabled();

    // the portal refuses: each row says why, and retry failed asks again once it is fixed
    portal.setFault({ kind: 'status', status: 503, body: 'maintenance' }, /\/request\/$/);
    await ev.allocate('not-yet-allocated');
    await expect(ev.count('failed')).toHaveText(String(left));
    await expect(ev.run()).toHaveAttribute('data-status', 'done');
    await expect(page.getByTestId('allocation-errors')).toBeVisible();
    await ev.filter('failed');
    await expect(ev.rows().first().locator('.att-reason')).not.toBeEmpty();
    await ev.filter('failed');
    portal.setFault(null);
    await expect(retry).toHaveText(`Retry failed (${left})`);
    await retry.click();
    await expect(ev.count('waiting')).toHaveText('12');
    await expect(ev.count('failed')).toHaveText('0');
  } finally {
    await portal.close();
  }
});
