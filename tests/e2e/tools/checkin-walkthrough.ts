/**
 * The check-in workflow as a new user walks it, in Chromium against `portal-console web` started from the sources on
 * a fresh data folder with its built-in demo portal: an event with a 1-minute activation window, its check-in page
 * shared on this computer's first network interface (or `--address A`), the projector view, an attendee checking in
 * through that address, and one whose phone loses the connection right after sending the form: their session waits
 * out the window, expires on the portal, and checking in again gives a new one.
 *
 *   node --import tsx tests/e2e/tools/checkin-walkthrough.ts [--address 127.0.0.2]    # ~2 minutes
 *
 * It writes docs/images/checkin-shared.png. It is a tool for the docs, not a test: the assertions live in
 * tests/e2e/checkin.spec.ts and tests/checkin/.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect as baseExpect, type Page } from '@playwright/test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const OUT = path.join(ROOT, 'docs', 'images');
const expect = baseExpect.configure({ timeout: 30_000 });
const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function shareAddress(): string {
  const i = process.argv.indexOf('--address');
  if (i > 0 && process.argv[i + 1]) return process.argv[i + 1] as string;
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((n) => n && n.family === 'IPv4' && !n.internal);
  return external?.address ?? '127.0.0.2';
}

/** `portal-console web` as a user starts it; resolves with the URL it prints */
function startConsole(dataDir: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/cli-entry.ts', 'web', '--port', '0', '--data', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
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

async function fillCheckin(page: Page, url: string, first: string, last: string, code: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.getByLabel('Email').fill(`${first.toLowerCase()}.${last.toLowerCase()}@example.org`);
  await page.getByLabel('Event code').fill(code);
  await page.getByRole('button', { name: 'Check in and start the workshop' }).click();
}

async function main(): Promise<void> {
  const address = shareAddress();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-checkin-walk-'));
  const consoleProcess = await startConsole(dataDir);
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  try {
    await page.goto(consoleProcess.url);
    await page.locator('body[data-ready="true"]').waitFor();
    say(`console up; sharing on ${address}`);

    // the event, with a 1-minute activation window
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByRole('link', { name: 'New event' }).first().click();
    const form = page.getByTestId('event-form');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('GitOps day — Lisbon');
    await form
      .getByTestId('event-environments')
      .getByRole('checkbox', { name: /GitOps Workflow/ })
      .check();
    await form.getByRole('combobox', { name: 'Activation window' }).selectOption({ label: 'Other…' });
    await form.getByLabel('Activation window in minutes (0 for none)').fill('1');
    await form.getByRole('button', { name: 'Create event' }).click();

    // its check-in page: a code, shared on the network, started
    await page.getByRole('navigation', { name: 'Event' }).getByRole('link', { name: 'Check-in', exact: true }).click();
    await page.getByTestId('checkin-code').fill('LISBON 26');
    await page.getByRole('radio', { name: 'Share on the local network' }).check();
    const picker = page.getByTestId('checkin-interface');
    const offered = await picker.locator('option').allTextContents();
    say(`interfaces offered: ${offered.join(' | ')}`);
    if (offered.some((o) => o.includes(`: ${address} (`))) await picker.selectOption(address);
    else {
      await picker.selectOption({ label: 'Another address of this computer…' });
      await page.getByTestId('checkin-address').fill(address);
    }
    say(`reach: ${await page.getByTestId('checkin-reach').textContent()}`);
    await page.getByRole('button', { name: 'Start check-in' }).click();
    await expect(page.getByTestId('checkin-state')).toHaveText('Open');
    const url = (await page.getByTestId('checkin-url').textContent()) ?? '';
    say(`check-in page at ${url}`);
    // coming back to the tab shows the page as it runs: shared, on the interface picked
    await page.reload();
    await expect(page.getByTestId('checkin-state')).toHaveText('Open');
    await expect(page.getByRole('radio', { name: 'Share on the local network' })).toBeChecked();
    if (offered.some((o) => o.includes(`: ${address} (`))) await expect(picker).toHaveValue(address);
    else await expect(page.getByTestId('checkin-address')).toHaveValue(address);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(OUT, 'checkin-shared.png') });

    // the projector view, and back with Esc
    await page.getByRole('link', { name: 'Projector view' }).click();
    await expect(page.getByTestId('projector-url')).toHaveText(url);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('checkin-tab')).toBeVisible();

    // Ada checks in through the shared address and lands on her session there
    const ada = await browser.newContext({ viewport: { width: 420, height: 860 } });
    const adaPage = await ada.newPage();
    await fillCheckin(adaPage, url, 'Ada', 'Lovelace', 'lisbon-26');
    await adaPage.waitForURL(/\/workshops\/session\/[^/]+\/$/);
    say(`Ada landed on ${adaPage.url()}`);

    // Ken's phone loses the connection right after he sends the form: the activation link is never opened
    const ken = await browser.newContext({ viewport: { width: 420, height: 860 } });
    const kenPage = await ken.newPage();
    // the form reaches the page (his session is requested), the answer with the link never reaches the phone
    await kenPage.route(url, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await route.fetch({ maxRedirects: 0 });
      return route.abort('internetdisconnected');
    });
    await fillCheckin(kenPage, url, 'Ken', 'Thompson', 'LISBON-26').catch(() => undefined);
    await page.getByRole('navigation', { name: 'Event' }).getByRole('link', { name: 'Attendees', exact: true }).click();
    const kenRow = page.locator('[data-testid="attendee-row"][data-email="ken.thompson@example.org"]');
    const adaRow = page.locator('[data-testid="attendee-row"][data-email="ada.lovelace@example.org"]');
    await expect(adaRow).toHaveAttribute('data-status', 'running');
    await expect(kenRow).toHaveAttribute('data-status', 'waiting');
    const kenSession = await kenRow.getAttribute('data-session');
    const t0 = Date.now();
    say(`Ken's session waits (${kenSession ?? 'session not in the row'}); waiting out the 1-minute window…`);
    await expect(kenRow).toHaveAttribute('data-status', 'expired', { timeout: 180_000 });
    say(`Ken's session expired ${Math.round((Date.now() - t0) / 1000)} s after his check-in`);
    await page.screenshot({ path: path.join(os.tmpdir(), 'checkin-walk-expired.png') });

    // back on the venue's network, Ken checks in again: a new session, and in he goes
    await kenPage.unroute(url);
    await fillCheckin(kenPage, url, 'Ken', 'Thompson', 'LISBON-26');
    await kenPage.waitForURL(/\/workshops\/session\/[^/]+\/$/);
    say(`Ken landed on ${kenPage.url()}`);
    await expect(kenRow).toHaveAttribute('data-status', 'running');
    await page.getByRole('navigation', { name: 'Event' }).getByRole('link', { name: 'Check-in', exact: true }).click();
    say(`stats: ${(await page.getByTestId('checkin-stats').innerText()).replace(/\s+/g, ' ')}`);
    await page.getByRole('button', { name: 'Stop check-in' }).click();
    await expect(page.getByTestId('checkin-state')).toHaveText('Off');
    await ada.close();
    await ken.close();
    say(errors.length === 0 ? 'no errors in the console page' : `console page errors:\n${errors.join('\n')}`);
  } finally {
    await browser.close();
    consoleProcess.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
