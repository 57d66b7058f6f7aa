import fs from 'node:fs';
import path from 'node:path';
import { test, expect, startEngine, type RunningEngine } from './fixtures';
import { FleetPage } from './pages/fleet-page';
import { PortalsPage } from './pages/portals-page';

test('add a remote portal, test it, watch it go stale then offline when it stops, and recover on restart', async ({
  app,
  page,
  scratch,
}, info) => {
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
    await expect(card.getByRole('button', { name: 'Retry now Remote lab' })).toBeVisible();
    await expect(
      app
        .toasts()
        .filter({ hasText: /offline/i })
        .first(),
    ).toBeVisible();
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
    await portals.add({
      label: 'Short-lived',
      baseUrl: remote.url,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      username: creds.username,
      password: creds.password,
    });
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
    if (m.type() === 'error' || /Content Security Policy|frame-ancestors/i.test(m.text()))
      messages.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  await page.reload();
  await app.waitReady();
  await app.go('Portals');
  await expect(page.getByTestId('portal-row').first()).toBeVisible();
  expect(messages).toEqual([]);
});

test(
  'a portal whose connection test fails is saved only when asked, a duplicate URL is named, ' +
    'and Retry now brings it back',
  async ({ app, page, scratch }) => {
    const dataDir = path.join(scratch, 'remote-engine');
    fs.mkdirSync(dataDir, { recursive: true });
    // an engine started once and stopped: its address is known and nothing answers there
    let remote: RunningEngine | null = await startEngine({ dataDir, host: '127.0.0.1', port: 0 });
    const { port, url } = remote;
    const creds = remote.credentials.robot;
    await remote.close();
    remote = null;
    try {
      await app.go('Portals');
      const portals = new PortalsPage(page);
      const form = {
        label: 'Later lab',
        baseUrl: url,
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
        username: creds.username,
        password: creds.password,
        pollSeconds: 600,
      };
      await portals.add(form);
      await expect(portals.urlHost()).toHaveText(`Connects to 127.0.0.1:${port}.`);
      await portals.submit();
      await expect(portals.saveCheck()).toContainText(
        `The connection test failed: portal unreachable: 127.0.0.1:${port}`,
      );
      // Cancel keeps the form, unsaved
      await portals.form().getByRole('button', { name: 'Cancel' }).click();
      await expect(portals.saveCheck()).toHaveCount(0);
      await expect(portals.form()).toBeVisible();
      await expect(portals.row('Later lab')).toHaveCount(0);
      await portals.submit();
      await expect(portals.saveCheck()).toBeVisible();
      await portals.saveAnyway();
      await expect(portals.row('Later lab')).toBeVisible();

      // the same portal again, pasted from its catalog page: trimmed to the root, and the duplicate is named
      await portals.add({ ...form, label: 'Same lab', baseUrl: `${url}/workshops/catalog/` });
      await expect(portals.urlHost()).toHaveText(
        `Connects to 127.0.0.1:${port}, at the portal's root ${url} (/workshops/catalog/ is left out).`,
      );
      await portals.submit();
      await expect(portals.saveCheck()).toContainText(`“Later lab” already uses this portal URL (${url}).`);
      await portals.form().getByRole('button', { name: 'Cancel' }).click();
      await portals.form().getByRole('button', { name: 'Cancel' }).click();
      await expect(portals.form()).toHaveCount(0);
      await expect(portals.row('Same lab')).toHaveCount(0);

      // its card says why it fails; once the portal is back, Retry now shows it live without waiting for a poll
      await app.go('Fleet overview');
      const fleet = new FleetPage(page);
      const card = fleet.card('Later lab');
      await expect(card.getByTestId('portal-error')).toHaveText(`portal unreachable: 127.0.0.1:${port}`);
      remote = await startEngine({ dataDir, host: '127.0.0.1', port });
      await card.getByRole('button', { name: 'Retry now Later lab' }).click();
      await expect(fleet.status(card)).toHaveText('Live');
      await expect(card.getByTestId('portal-failure')).toHaveCount(0);
      await expect(card.getByTestId('environment').first()).toBeVisible();
    } finally {
      await remote?.close();
    }
  },
);

test('form errors name the fields as the form does, show the host a URL really reaches, and clear on change', async ({
  app,
  page,
}) => {
  await app.go('Portals');
  const portals = new PortalsPage(page);
  await portals.add({
    label: 'Spoof',
    baseUrl: 'http://portal.example.org:443@127.0.0.1:18101',
    clientId: 'c',
    clientSecret: 's',
    username: 'u',
    password: 'p',
  });
  await expect(portals.urlHost()).toContainText(
    'Connects to 127.0.0.1:18101: the URL must not contain a user name or password',
  );
  await portals.submit();
  await expect(portals.formError()).toHaveText(/^Portal URL: must not contain a user name or password/);
  await expect(portals.form().getByLabel('Portal URL')).toHaveAttribute('aria-invalid', 'true');
  await expect(portals.formError()).not.toContainText('baseUrl');
  // any change clears the error
  await portals.form().getByLabel('Portal URL').fill('http://127.0.0.1:18101/portal-a/');
  await expect(portals.formError()).toHaveCount(0);
  await portals.submit();
  await expect(portals.formError()).toHaveText(
    'Portal URL: a training portal is served at the root of its host: use http://127.0.0.1:18101 (without /portal-a/)',
  );
  await portals.form().getByLabel('Label').fill('');
  await portals.form().getByLabel('Portal URL').fill('http://127.0.0.1:18101');
  await portals.form().getByLabel('Poll interval (seconds)').fill('0');
  await portals.submit();
  await expect(portals.formError()).toHaveText('Label: required');
  await portals.form().getByLabel('Label').fill('Spoof');
  await portals.submit();
  await expect(portals.formError()).toHaveText('Poll interval (seconds): a whole number of seconds from 1 to 600');
  await expect(portals.row('Spoof')).toHaveCount(0);
});

test('the built-in portal can be renamed, given another poll interval and switched off, but not removed', async ({
  app,
  page,
}) => {
  await app.go('Portals');
  const portals = new PortalsPage(page);
  const row = portals.builtinRow();
  await expect(row).toBeVisible();
  const label = ((await row.locator('td').first().textContent()) ?? '').replace(/built-in$/, '');
  await expect(row.getByRole('button', { name: /^Remove / })).toHaveCount(0);

  await row.getByRole('button', { name: `Edit ${label}` }).click();
  const form = portals.form();
  await expect(form.getByTestId('builtin-managed')).toContainText('managed by the console');
  await expect(form.getByLabel('Portal URL')).toHaveCount(0);
  await expect(form.getByLabel('Client secret')).toHaveCount(0);
  await form.getByLabel('Label').fill('Demo laptop');
  await form.getByLabel('Poll interval (seconds)').fill('10');
  await portals.save();
  const renamed = portals.row('Demo laptop');
  await expect(renamed).toContainText('10 s');
  await expect(app.notice()).toContainText('Saved Demo laptop');

  await renamed.getByRole('button', { name: 'Switch off Demo laptop' }).click();
  await expect(renamed.getByTestId('portal-status')).toHaveText('Disabled');
  await app.go('Fleet overview');
  const card = new FleetPage(page).card('Demo laptop');
  await expect(new FleetPage(page).status(card)).toHaveText('Disabled');
  await app.go('Portals');
  await portals.row('Demo laptop').getByRole('button', { name: 'Switch on Demo laptop' }).click();
  await expect(portals.row('Demo laptop').getByTestId('portal-status')).toHaveText('Live');
});
