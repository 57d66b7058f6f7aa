import { test, expect, expectAccessible } from './fixtures';

const SCREENS = [
  'Fleet overview',
  'People',
  'New session',
  'Events',
  'Capacity timeline',
  'Alerts and settings',
  'Portals',
] as const;

for (const scheme of ['light', 'dark'] as const) {
  test(`every screen passes axe with no serious or critical violations (${scheme})`, async ({ app, page }, info) => {
    // seven screens, each scanned by axe: on a shared 2-core machine that takes longer than one default timeout
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    for (const screen of SCREENS) {
      await app.go(screen);
      if (screen === 'Capacity timeline')
        await expect(page.getByTestId('capacity-chart').or(page.getByText('No history'))).toBeVisible();
      await expectAccessible(page, `${screen} (${scheme})`);
      await page.screenshot({ path: info.outputPath(`${screen.replace(/\W+/g, '-').toLowerCase()}-${scheme}.png`) });
    }
    // the environment view with its session table
    await app.go('Fleet overview');
    await page.getByTestId('environment').first().getByRole('link').click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('›');
    await expectAccessible(page, `environment view (${scheme})`);
    // the command palette
    await page.keyboard.press('Control+k');
    await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeVisible();
    await expectAccessible(page, `command palette (${scheme})`);
    await page.keyboard.type('events');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
    // "g" then a letter goes to a screen
    await page.keyboard.press('g');
    await page.keyboard.press('p');
    await expect(page.getByRole('heading', { level: 1, name: 'People' })).toBeVisible();
  });
}

test('theme override wins over the system preference and is saved', async ({ app, page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await app.go('Alerts and settings');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await app.waitReady();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(15, 18, 22)');
});
