import { expect, type Locator, type Page } from '@playwright/test';

type Screen =
  'Fleet overview' | 'People' | 'New session' | 'Events' | 'Capacity timeline' | 'Alerts and settings' | 'Portals';

/** The shell: navigation, ready marker, toasts, notices, command palette. */
export class AppPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await this.page.locator('body[data-ready="true"]').waitFor();
  }

  async go(screen: Screen): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: screen, exact: true })
      .click();
    await expect(this.page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  }

  notice(): Locator {
    return this.page.getByTestId('notice');
  }

  toasts(): Locator {
    return this.page.getByTestId('toast');
  }

  portalCard(label: string | RegExp): Locator {
    return this.page.getByTestId('portal-card').filter({ has: this.page.getByRole('heading', { name: label }) });
  }
}
