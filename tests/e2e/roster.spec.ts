import { test, expect } from './fixtures';
import { RosterPage } from './pages/roster-page';

test('a roster with a bad row: preview shows the reason, the good rows are allocated, links export as CSV', async ({ app, page }, info) => {
  await app.go('Roster');
  const roster = new RosterPage(page);
  const csv = ['email,first_name,last_name', 'grace@example.org,Grace,Hopper', 'not-an-email,Bad,Row', 'alan@example.org,Alan,Turing', ''].join('\n');
  await roster.upload('attendees.csv', csv);
  await expect(page.getByRole('heading', { name: /attendees\.csv: 2 valid rows, 1 rejected/ })).toBeVisible();
  await expect(roster.badRows()).toContainText('not-an-email');
  await expect(roster.badRows()).toContainText(/bad email/);

  await roster.allocate();
  await expect(roster.state()).toHaveAttribute('data-status', 'done');
  await expect(roster.state().getByRole('heading')).toContainText('2 allocated, 0 failed of 2');
  await expect(roster.state().locator('tr[data-status="allocated"]')).toHaveCount(2);
  await page.screenshot({ path: info.outputPath('roster-done.png'), fullPage: true });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export links as CSV' }).click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray();
  const body = Buffer.concat(text as Buffer[]).toString('utf8');
  expect(body).toContain('grace@example.org');
  expect(body).toMatch(/activate/);
});
