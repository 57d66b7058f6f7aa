/**
 * The facilitator's workflow as a new user walks it, in Chromium against `portal-console web` started from the
 * sources on a fresh data folder; it writes the screenshots of docs/events.md to docs/images/ (1280×800).
 *
 *   node --import tsx tests/e2e/tools/events-walkthrough.ts                 # the workflow, ~1 minute
 *   node --import tsx tests/e2e/tools/events-walkthrough.ts --wait-clocks   # and an unopened 1-minute link
 *                                                                           # expiring, then reissued (~3 min)
 *
 * It is a tool for the docs, not a test: the assertions live in tests/e2e/events.spec.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect as baseExpect, type Page } from '@playwright/test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const OUT = path.join(ROOT, 'docs', 'images');
const waitClocks = process.argv.includes('--wait-clocks');
// the built-in portal is polled every few seconds: a change shows within one poll
const expect = baseExpect.configure({ timeout: 30_000 });

const PEOPLE = [
  ['Ada', 'Lovelace'],
  ['Alan', 'Turing'],
  ['Grace', 'Hopper'],
  ['Edsger', 'Dijkstra'],
  ['Barbara', 'Liskov'],
  ['Donald', 'Knuth'],
  ['Frances', 'Allen'],
  ['Ken', 'Thompson'],
  ['Margaret', 'Hamilton'],
  ['Dennis', 'Ritchie'],
  ['Radia', 'Perlman'],
  ['John', 'Backus'],
  ['Adele', 'Goldberg'],
  ['Niklaus', 'Wirth'],
];

function csv(): string {
  const rows = ['email,first_name,last_name'];
  for (const [first, last] of PEOPLE)
    rows.push(`${first?.toLowerCase()}.${last?.toLowerCase().replace(/\W+/g, '')}@example.org,${first},${last}`);
  rows.splice(6, 0, 'not-an-email,Typo,Person');
  rows.push('ada.lovelace@example.org,Ada,Again');
  return `${rows.join('\n')}\n`;
}

/** `portal-console web` as a user starts it; resolves with the URL it prints */
function startConsole(dataDir: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/cli-entry.ts', 'web', '--port', '0', '--data', dataDir],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /console ready at (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(out);
      if (m) resolve({ url: m[1] as string, stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`portal-console web exited (${code}):\n${out}`)));
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUT, `events-${name}.png`) });
  process.stdout.write(`  docs/images/events-${name}.png\n`);
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-walkthrough-'));
  const consoleProcess = await startConsole(dataDir);
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/frame-ancestors/.test(m.text()) && errors.push(m.text()));
  try {
    await page.goto(consoleProcess.url);
    await page.locator('body[data-ready="true"]').waitFor();
    const nav = (name: string) =>
      page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name, exact: true }).click();

    // 1. the event
    await nav('Events');
    await page.getByRole('link', { name: 'New event' }).first().click();
    const form = page.getByTestId('event-form');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('GitOps day — Lisbon');
    await form
      .getByTestId('event-environments')
      .getByRole('checkbox', { name: /GitOps Workflow/ })
      .check();
    const start = new Date();
    start.setMinutes(0, 0, 0);
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = (d: Date) =>
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:00`;
    await form.getByLabel('Starts', { exact: true }).fill(local(start));
    await form.getByLabel('Ends', { exact: true }).fill(local(new Date(start.getTime() + 4 * 3600_000)));
    await shot(page, 'new');
    await form.getByRole('button', { name: 'Create event' }).click();

    // 2. the attendee list from a CSV, with its rejected rows
    const panel = page.getByTestId('add-attendees');
    await panel
      .getByTestId('attendee-file')
      .setInputFiles({ name: 'lisbon-attendees.csv', mimeType: 'text/csv', buffer: Buffer.from(csv()) });
    await expect(page.getByTestId('attendee-preview')).toBeVisible();
    await page.getByTestId('attendee-preview').scrollIntoViewIfNeeded();
    await shot(page, 'csv');
    await page.getByRole('button', { name: /^Add \d+ attendees$/ }).click();
    await expect(page.getByTestId('add-outcome')).toBeVisible();

    // 3. allocate: every attendee gets a session that waits an hour for them
    await page.getByRole('button', { name: /^Allocate not-yet-allocated/ }).click();
    await expect(page.getByTestId('count-waiting').locator('strong')).toHaveText(String(PEOPLE.length));
    await expect(page.getByTestId('allocation-run')).toHaveAttribute('data-status', 'done');
    const links = await page.evaluate(async () => {
      const rows = Array.from(document.querySelectorAll('[data-testid="attendee-row"]'));
      return rows.slice(0, 4).map((r) => r.querySelector('a[href*="activate"]')?.getAttribute('href') ?? '');
    });

    // 4. some attendees open their links (another browser); one leaves
    const attendeeBrowser = await browser.newContext();
    for (const link of links.slice(0, 4)) await (await attendeeBrowser.newPage()).goto(link);
    await attendeeBrowser.close();
    await expect(page.getByTestId('count-running').locator('strong')).toHaveText('4');
    const runningRows = page.locator('[data-testid="attendee-row"][data-status="running"]');
    await runningRows
      .nth(3)
      .getByRole('button', { name: /^Terminate/ })
      .click();
    await page.getByTestId('terminate-dialog').getByRole('button', { name: 'Terminate' }).click();
    await expect(page.getByTestId('count-ended').locator('strong')).toHaveText('1');
    await page.mouse.move(0, 0);
    await shot(page, 'attendees');

    // 5. the handout, on screen and as it prints
    await page.getByRole('navigation', { name: 'Event' }).getByRole('link', { name: 'Handout' }).click();
    await expect(page.getByTestId('handout-qr')).toHaveCount(PEOPLE.length - 1);
    await page.getByRole('combobox', { name: /Layout/ }).selectOption('sheet');
    await shot(page, 'handout');
    await page.emulateMedia({ media: 'print' });
    await shot(page, 'handout-print');
    await page.emulateMedia({ media: 'screen' });

    // 6. the report
    await page.getByRole('navigation', { name: 'Event' }).getByRole('link', { name: 'Report' }).click();
    await expect(page.getByTestId('report-chart')).toBeVisible();
    await shot(page, 'report');

    // 7. the fleet card and people search by name
    await nav('Fleet overview');
    await expect(page.getByTestId('portal-event')).toBeVisible();
    await shot(page, 'fleet');
    await nav('People');
    await page.getByRole('searchbox', { name: 'Name, email or user id' }).fill('grace');
    await page.getByRole('button', { name: 'Find sessions' }).click();
    await expect(page.getByTestId('person-attendee')).toBeVisible();
    await shot(page, 'people');
    await nav('Events');
    await shot(page, 'list');

    if (waitClocks) {
      // 8. the clocks: a 1-minute window, an unopened link expires, reissue brings it back
      await page.getByRole('link', { name: 'New event' }).first().click();
      await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Clock check');
      await form
        .getByTestId('event-environments')
        .getByRole('checkbox', { name: /Building Container Images/ })
        .check();
      await form.getByRole('combobox', { name: 'Activation window' }).selectOption({ label: 'Other…' });
      await form.getByLabel('Activation window in minutes (0 for none)').fill('1');
      await form.getByRole('button', { name: 'Create event' }).click();
      await page.getByRole('button', { name: 'One person' }).click();
      await panel.getByLabel('First name').fill('Late');
      await panel.getByLabel('Last name').fill('Comer');
      await panel.getByLabel('Email', { exact: true }).fill('late.comer@example.org');
      await panel.getByRole('button', { name: 'Add attendee' }).click();
      await page.getByRole('button', { name: 'Hide “Add attendees”' }).click();
      await page.getByRole('button', { name: /^Allocate not-yet-allocated/ }).click();
      const row = page.locator('[data-testid="attendee-row"][data-email="late.comer@example.org"]');
      await expect(row).toHaveAttribute('data-status', 'waiting');
      await shot(page, 'clock-waiting');
      const t0 = Date.now();
      await expect(row).toHaveAttribute('data-status', 'expired', { timeout: 180_000 });
      process.stdout.write(`  expired ${Math.round((Date.now() - t0) / 1000)} s after allocation\n`);
      await shot(page, 'clock-expired');
      await row.getByRole('button', { name: /^Reissue/ }).click();
      await expect(row).toHaveAttribute('data-status', 'waiting');
      await shot(page, 'clock-reissued');
    }
    if (errors.length) throw new Error(`the page logged errors:\n${errors.join('\n')}`);
  } finally {
    await browser.close();
    consoleProcess.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
