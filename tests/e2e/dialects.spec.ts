import fs from 'node:fs';
import path from 'node:path';
import { test, expect, startEngine, type RunningEngine } from './fixtures';
import { CreateSessionPage } from './pages/create-page';
import { FleetPage } from './pages/fleet-page';
import { SessionsPage } from './pages/sessions-page';

/**
 * A Learning Center portal next to the built-in (Educates) engine: a second engine, speaking Learning Center
 * (`--dialect learningcenter`: its demo portal), added as a remote portal.
 */
test.describe('a Learning Center portal next to an Educates one', () => {
  let lc: RunningEngine;
  test.beforeEach(async ({ scratch }) => {
    const dataDir = path.join(scratch, 'lc-engine');
    fs.mkdirSync(dataDir, { recursive: true });
    lc = await startEngine({ dataDir, host: '127.0.0.1', port: 0, dialect: 'learningcenter' });
  });
  test.afterEach(async () => {
    await lc.close();
  });

  test(
    'each card names its dialect; ' + 'Learning Center offers no terminate, extend or activation window, and says why',
    async ({ app, page, webConsole }) => {
      const robot = lc.credentials.robot;
      const invoke = (method: string, input: unknown) =>
        fetch(`${webConsole.origin}/api/invoke/${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${webConsole.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        }).then(async (r) => (await r.json()) as { ok: boolean; data: { id: string } });
      const added = await invoke('portals.add', {
        label: 'Tanzu lab',
        baseUrl: lc.url,
        clientId: robot.clientId,
        clientSecret: robot.clientSecret,
        username: robot.username,
        password: robot.password,
        pollIntervalMs: 1000,
      });
      expect(added.ok).toBe(true);

      const fleet = new FleetPage(page);
      const tanzu = fleet.card('Tanzu lab');
      await expect(fleet.status(tanzu)).toHaveText('Live');
      await expect(tanzu.getByTestId('portal-dialect')).toHaveText('API: Learning Center');
      const builtin = fleet
        .cards()
        .filter({ hasNot: page.getByRole('heading', { name: 'Tanzu lab' }) })
        .first();
      await expect(builtin.getByTestId('portal-dialect')).toHaveText('API: Educates');

      // New session on the Learning Center portal: no activation window, the fixed 60 s explained
      await tanzu.getByRole('link', { name: 'New session' }).click();
      const create = new CreateSessionPage(page);
      await expect(page.getByTestId('activation-fixed')).toContainText('60 seconds');
      await expect(page.getByTestId('activation-fixed')).toContainText('on-arrival check-in');
      await expect(create.activationWindow()).toHaveCount(0);
      const env = await page.getByTestId('workshop-select').inputValue();
      await create.fill({ user: 'ada' });
      await create.submit();
      await expect(create.allocation()).toContainText(/Must be opened within (1:00|0:[0-5]\d)/);
      const session = (await create.allocation().getByRole('heading').textContent())?.match(/Session (\S+)/)?.[1] ?? '';
      expect(session).toMatch(new RegExp(`^${env}-`));
      const link = await create.activationUrl().inputValue();
      expect(link.startsWith(`${lc.url}/workshops/session/${session}/activate/?token=`)).toBe(true);

      // its sessions: no Terminate or Extend, the reasons on the screen
      await app.go('Fleet overview');
      await fleet.environment(tanzu, env).getByRole('link').click();
      const sessions = new SessionsPage(page);
      await expect(sessions.row(session)).toBeVisible();
      // its state badge follows the portal: waiting for its attendee, then running once the link is opened
      const state = sessions.row(session).locator('.st-state');
      await expect(state).toHaveText(/^(STARTING|WAITING)$/);
      expect((await fetch(link, { redirect: 'manual' })).status).toBe(302);
      await expect(state).toHaveText('RUNNING');
      await expect(state).toHaveAttribute('data-state', 'RUNNING');
      await expect(sessions.row(session).getByRole('button', { name: /Terminate|Extend/ })).toHaveCount(0);
      await expect(sessions.row(session).getByTestId('no-session-actions')).toHaveAttribute(
        'title',
        /no terminate endpoint/,
      );
      await expect(page.getByRole('button', { name: /Terminate (selected|all)|Extend (selected|all)/ })).toHaveCount(0);
      await expect(page.getByTestId('dialect-note')).toContainText('the session ends when it expires');
      await expect(page.getByTestId('dialect-note')).toContainText('owner or staff');

      // full monitoring cycles of the Learning Center portal (each a poll, its comparison and what it pushes): no error
      // toast, and the portal stays live
      for (let i = 0; i < 3; i++) expect((await invoke('portals.retryNow', { id: added.data.id })).ok).toBe(true);
      await expect(app.toasts()).toHaveCount(0);
      await app.go('Fleet overview');
      await expect(fleet.status(tanzu)).toHaveText('Live');
      await expect(app.toasts()).toHaveCount(0);
    },
  );
});
