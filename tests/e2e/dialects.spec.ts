import { test, expect } from './fixtures';
import { startFaultPortal, type FakePortal } from '../fakes/fault-portal';
import { CreateSessionPage } from './pages/create-page';
import { FleetPage } from './pages/fleet-page';
import { SessionsPage } from './pages/sessions-page';

/**
 * A Learning Center portal next to the built-in (Educates) engine. The Learning Center side is the fake portal in its
 * Learning Center generation (a real loopback HTTP server answering as that portal does), added as a remote portal.
 */
test.describe('a Learning Center portal next to an Educates one', () => {
  let lc: FakePortal;
  test.beforeEach(async () => {
    lc = await startFaultPortal({
      name: 'tanzu-portal',
      generation: 'learning-center',
      username: 'robot@learningcenter',
      environments: [{ name: 'tanzu-portal-w01', title: 'Spring on Kubernetes', capacity: 5, duration: 1800 }],
    });
  });
  test.afterEach(async () => {
    await lc.close();
  });

  test('each card names its dialect; Learning Center offers no terminate, extend or activation window, and says why', async ({
    app,
    page,
    webConsole,
  }) => {
    const o = lc.options;
    const added = await fetch(`${webConsole.origin}/api/invoke/portals.add`, {
      method: 'POST',
      headers: { authorization: `Bearer ${webConsole.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        label: 'Tanzu lab',
        baseUrl: lc.url,
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        username: o.username,
        password: o.password,
        pollIntervalMs: 1000,
      }),
    });
    expect(added.status).toBe(200);

    const fleet = new FleetPage(page);
    const tanzu = fleet.card('Tanzu lab');
    await expect(fleet.status(tanzu)).toHaveText('Live');
    await expect(tanzu.getByTestId('portal-dialect')).toHaveText('API: Learning Center');
    const builtin = fleet.cards().filter({ hasNot: page.getByRole('heading', { name: 'Tanzu lab' }) }).first();
    await expect(builtin.getByTestId('portal-dialect')).toHaveText('API: Educates');

    // New session on the Learning Center portal: no activation window, the fixed 60 s explained
    await tanzu.getByRole('link', { name: 'New session' }).click();
    const create = new CreateSessionPage(page);
    await expect(page.getByTestId('activation-fixed')).toContainText('60 seconds');
    await expect(page.getByTestId('activation-fixed')).toContainText('on-arrival check-in');
    await expect(create.activationWindow()).toHaveCount(0);
    await create.fill({ workshop: 'tanzu-portal-w01', user: 'ada' });
    await create.submit();
    await expect(create.allocation()).toContainText(/Must be opened within (1:00|0:[0-5]\d)/);
    const session = (await create.allocation().getByRole('heading').textContent())?.match(/Session (\S+)/)?.[1] ?? '';
    expect(session).toBe('tanzu-portal-w01-s001');

    // its sessions: no Terminate or Extend, the reasons on the screen
    await app.go('Fleet overview');
    await fleet.environment(tanzu, 'tanzu-portal-w01').getByRole('link').click();
    const sessions = new SessionsPage(page);
    await expect(sessions.row(session)).toBeVisible();
    await expect(sessions.row(session).getByRole('button', { name: /Terminate|Extend/ })).toHaveCount(0);
    await expect(sessions.row(session).getByTestId('no-session-actions')).toHaveAttribute('title', /no terminate endpoint/);
    await expect(page.getByRole('button', { name: /Terminate (selected|all)|Extend (selected|all)/ })).toHaveCount(0);
    await expect(page.getByTestId('dialect-note')).toContainText('the session ends when it expires');
    await expect(page.getByTestId('dialect-note')).toContainText('owner or staff');

    // a full monitoring cycle on both portals: no error toast
    const polls = () => lc.hits.get('GET /workshops/catalog/environments/') ?? 0;
    const from = polls();
    await expect.poll(polls, { timeout: 15_000 }).toBeGreaterThanOrEqual(from + 3);
    await expect(app.toasts()).toHaveCount(0);
  });
});
