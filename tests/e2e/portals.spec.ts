import fs from 'node:fs';
import path from 'node:path';
import { test, expect, startEngine, type RunningEngine } from './fixtures';
import { FleetPage } from './pages/fleet-page';
import { PortalsPage } from './pages/portals-page';

test('add a remote portal, test it, watch it go stale then offline when it stops, and recover on restart', async ({ app, page, scratch }, info) => {
  const dataDir = path.join(scratch, 'remote-engine');
  fs.mkdirSync(dataDir, { recursive: true });
  let remote: RunningEngine | null = await startEngine({ dataDir, host: '127.0.0.1', port: 0 });
  const port = remote.port;
  const creds = remote.credentials.robot;
  try {
    await app.go('Portals');
    const portals = new PortalsPage(page);
    await portals.add({
      label: 'Remote lab',
      baseUrl: remote.url,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      username: creds.username,
      password: creds.password,
      pollSeconds: 1,
    });
    await expect(await portals.testDraft()).toContainText('Connected to');
    await portals.save();
    const row = portals.row('Remote lab');
    await expect(row).toBeVisible();
    // secrets are write-only: nothing on the screen shows them
    await expect(page.locator('body')).not.toContainText(creds.clientSecret);
    await expect(page.locator('body')).not.toContainText(creds.password);
    await row.getByRole('button', { name: 'Edit Remote lab' }).click();
    await expect(portals.form().getByLabel('Client secret')).toHaveValue('');
    await expect(portals.form().getByLabel('Robot password')).toHaveValue('');
    await portals.form().getByRole('button', { name: 'Cancel' }).click();

    await app.go('Fleet overview');
    const fleet = new FleetPage(page);
    const card = fleet.card('Remote lab');
    await expect(fleet.status(card)).toHaveText('Live');
    await expect(card.getByTestId('environment').first()).toBeVisible();

    // the portal goes away
    await remote.close();
    remote = null;
    await expect(fleet.status(card)).toHaveText(/^Stale for \d+ s$/);
    await expect(card).toHaveAttribute('data-degraded', 'true');
    await expect(fleet.status(card)).toHaveText(/^Offline/);
    // the reason is written out on the card, not only in the badge's tooltip
    await expect(card.getByTestId('portal-error')).toHaveText(/portal unreachable: 127\.0\.0\.1:\d+/);
    await expect(card.getByRole('button', { name: 'Retry Remote lab now' })).toBeVisible();
    await expect(app.toasts().filter({ hasText: /offline/i }).first()).toBeVisible();
    await page.screenshot({ path: info.outputPath('portal-offline.png') });

    // and comes back on the same port with the same data
    remote = await startEngine({ dataDir, host: '127.0.0.1', port });
    await expect(fleet.status(card)).toHaveText('Live');
    await expect(card).toHaveAttribute('data-degraded', 'false');
    await expect(card.getByTestId('portal-failure')).toHaveCount(0);
  } finally {
    await remote?.close();
  }
});

test('remove a portal after confirming', async ({ app, page, scratch }) => {
  const dataDir = path.join(scratch, 'remote-engine');
  fs.mkdirSync(dataDir, { recursive: true });
  const remote = await startEngine({ dataDir, host: '127.0.0.1', port: 0 });
  try {
    const creds = remote.credentials.robot;
    await app.go('Portals');
    const portals = new PortalsPage(page);
    await portals.add({ label: 'Short-lived', baseUrl: remote.url, clientId: creds.clientId, clientSecret: creds.clientSecret, username: creds.username, password: creds.password });
    await portals.save();
    await portals.row('Short-lived').getByRole('button', { name: 'Remove Short-lived' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(portals.row('Short-lived')).toHaveCount(0);
    await app.go('Fleet overview');
    await expect(new FleetPage(page).card('Short-lived')).toHaveCount(0);
  } finally {
    await remote.close();
  }
});

test('a page load logs no console error (no CSP notice, no failed load)', async ({ app, page }) => {
  const messages: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|frame-ancestors/i.test(m.text())) messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  await page.reload();
  await app.waitReady();
  await app.go('Portals');
  await expect(page.getByTestId('portal-row').first()).toBeVisible();
  expect(messages).toEqual([]);
});
