import type { Locator, Page } from '@playwright/test';

export class RosterPage {
  constructor(readonly page: Page) {}

  async upload(name: string, csv: string): Promise<void> {
    await this.page.getByTestId('roster-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  }

  badRows(): Locator {
    return this.page.getByTestId('roster-bad-rows');
  }

  state(): Locator {
    return this.page.getByTestId('roster-state');
  }

  async allocate(): Promise<void> {
    await this.page.getByRole('button', { name: /^Allocate \d+ session/ }).click();
  }
}
