import type { Locator, Page } from '@playwright/test';

/** The environment view: session table with filters and bulk actions. */
export class SessionsPage {
  constructor(readonly page: Page) {}

  table(): Locator {
    return this.page.getByTestId('session-table');
  }

  rows(): Locator {
    return this.page.getByTestId('session-row');
  }

  row(session: string): Locator {
    return this.page.locator(`[data-testid="session-row"][data-session="${session}"]`);
  }

  countdown(session: string): Locator {
    return this.row(session).getByTestId('countdown');
  }

  async filter(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Filter sessions' }).fill(text);
  }

  async terminate(session: string): Promise<void> {
    await this.row(session)
      .getByRole('button', { name: `Terminate ${session}` })
      .click();
    await this.confirm('Terminate');
  }

  async extend(session: string): Promise<void> {
    await this.row(session)
      .getByRole('button', { name: `Extend ${session}` })
      .click();
  }

  async select(session: string): Promise<void> {
    await this.row(session).getByRole('checkbox').check();
  }

  async confirm(label: string): Promise<void> {
    const dialog = this.page.getByRole('dialog');
    await dialog.getByRole('button', { name: label, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }
}
