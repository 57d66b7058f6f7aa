import { test, expect } from './fixtures';
import { CreateSessionPage } from './pages/create-page';
import { FleetPage } from './pages/fleet-page';
import { SessionsPage } from './pages/sessions-page';

test(
  'create a session for a named user: link opens the workshop, gauges move, the countdown ticks, ' +
    'people finds it, terminate ends it',
  async ({ app, page, context }, info) => {
    const fleet = new FleetPage(page);
    const card = fleet.cards().first();
    await expect(fleet.status(card)).toHaveText('Live');
    const env = await fleet.firstEnvironmentName(card);
    const before = await fleet.allocated(card, env);

    // create
    await card.getByRole('link', { name: 'New session' }).click();
    const create = new CreateSessionPage(page);
    await create.fill({ workshop: env, user: 'ada', email: 'ada@example.org', firstName: 'Ada', lastName: 'Lovelace' });
    await expect(page.getByTestId('availability')).toContainText('capacity');
    // the built-in engine honours an activation window: offered, an hour unless changed
    await expect(create.activationWindow()).toHaveValue('60');
    await create.activationWindow().fill('-5');
    await create.submit();
    // the browser's own check holds the form back: nothing is requested
    expect(await create.activationWindow().evaluate((el) => (el as HTMLInputElement).validity.valid)).toBe(false);
    await expect(create.allocation()).toHaveCount(0);
    await create.activationWindow().fill('60');
    await create.submit();
    await expect(create.allocation()).toBeVisible();
    // an hour to open the link, not the portal's default minute
    await expect(create.allocation()).toContainText(/Must be opened within (1:00:00|59:\d\d)/);
    const url = await create.activationUrl().inputValue();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*activate.*token=/);
    await expect(create.allocation().getByRole('link', { name: 'Open' })).toHaveAttribute('href', url);
    await expect(create.allocation().getByTestId('countdown')).toBeVisible();
    const session = (await create.allocation().getByRole('heading').textContent())?.match(/Session (\S+)/)?.[1];
    expect(session).toBeTruthy();
    await page.screenshot({ path: info.outputPath('allocation.png') });

    // activate the link in another page: the engine's session page names the workshop
    const title = await page.getByTestId('workshop-select').locator('option:checked').textContent();
    const workshopTitle = (title ?? '').split(' — ')[0]?.trim() ?? '';
    const activation = await context.newPage();
    await activation.goto(url);
    await expect(activation.getByText(workshopTitle).first()).toBeVisible();
    await activation.close();

    // the gauge moved (the monitor pushes the new snapshot)
    await app.go('Fleet overview');
    await expect.poll(() => fleet.allocated(fleet.cards().first(), env)).toBe(before + 1);

    // the environment view shows the session with a live countdown
    await fleet.environment(fleet.cards().first(), env).getByRole('link').click();
    const sessions = new SessionsPage(page);
    const countdown = sessions.countdown(session!);
    await expect(countdown).toHaveText(/^\d+:\d\d(:\d\d)?$/);
    const first = await countdown.textContent();
    await expect(countdown).not.toHaveText(first ?? '');
    await expect(sessions.row(session!)).toContainText('ada');
    await page.screenshot({ path: info.outputPath('environment-view.png') });

    // people view finds it across portals
    await app.go('People');
    await page.getByRole('searchbox', { name: 'Name, email or user id' }).fill('ada');
    await page.getByRole('button', { name: 'Find sessions' }).click();
    await expect(page.getByTestId('person-session').filter({ hasText: session! })).toBeVisible();
    await expect(page.getByTestId('person-session').getByTestId('countdown').first()).toHaveText(/\d:\d\d/);

    // terminate from the environment view, with confirmation
    await page.goBack();
    await page.goBack();
    await expect(sessions.row(session!)).toBeVisible();
    await sessions.terminate(session!);
    await expect(app.notice()).toContainText(`Terminating ${session}`);
    await expect
      .poll(async () =>
        (await sessions.row(session!).count()) === 0
          ? 'gone'
          : await sessions.row(session!).locator('.st-state').textContent(),
      )
      .toMatch(/gone|STOPPING|STOPPED/);
  },
);

test('bulk extend of a selection goes through prepare, a confirm dialog and execute', async ({ app, page }) => {
  const fleet = new FleetPage(page);
  const card = fleet.cards().first();
  await expect(fleet.status(card)).toHaveText('Live');
  const env = await fleet.firstEnvironmentName(card);
  const create = new CreateSessionPage(page);
  for (const user of ['bulk-1', 'bulk-2']) {
    await page.goto(`${new URL(page.url()).origin}/#/create?env=${env}`);
    await create.fill({ workshop: env, user });
    if (user === 'bulk-2') await create.activationWindow().fill('0'); // 0: the link never dies
    await create.submit();
    await expect(create.allocation()).toContainText(user);
    if (user === 'bulk-2') await expect(create.allocation()).toContainText('No activation deadline');
  }
  await app.go('Fleet overview');
  await fleet.environment(fleet.cards().first(), env).getByRole('link').click();
  const sessions = new SessionsPage(page);
  await sessions.filter('bulk-');
  await expect(sessions.rows()).toHaveCount(2);
  await page.getByRole('checkbox', { name: 'Select all shown sessions' }).check();
  await expect(page.getByTestId('session-count')).toContainText('2 selected');
  await page.getByRole('button', { name: 'Extend selected' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Extend 2 sessions?');
  await sessions.confirm('Extend');
  await expect(page.getByTestId('notice')).toContainText(/Extended \d+ session/);
});

test('a full environment gives a clear no-capacity message', async ({ app, page }) => {
  await app.waitReady();
  // the smallest environment of the demo portal is filled by requests until the portal refuses
  const create = new CreateSessionPage(page);
  const fleet = new FleetPage(page);
  const card = fleet.cards().first();
  await expect(fleet.status(card)).toHaveText('Live');
  let env = '';
  let capacity = Number.POSITIVE_INFINITY;
  for (const row of await card.getByTestId('environment').all()) {
    const c = Number((await row.getByTestId('environment-numbers').textContent())?.split('/')[2]?.trim());
    if (c > 0 && c < capacity) {
      capacity = c;
      env = (await row.getAttribute('data-environment')) ?? '';
    }
  }
  expect(env).not.toBe('');
  await page.goto(`${new URL(page.url()).origin}/#/create?env=${env}`);
  for (let i = 0; i <= capacity; i++) {
    await create.fill({ workshop: env, user: `cap-${i}` });
    await create.submit();
    await expect(create.allocation().or(create.error())).toBeVisible();
    if (await create.error().isVisible()) break;
  }
  await expect(create.error()).toContainText(/No capacity|as many sessions/);
});
