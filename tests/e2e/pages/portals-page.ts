import type { Locator, Page } from '@playwright/test';

export interface PortalFormInput {
  label: string;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  pollSeconds?: number;
}

export class PortalsPage {
  constructor(readonly page: Page) {}

  form(): Locator {
    return this.page.getByTestId('portal-form');
  }

  row(label: string): Locator {
    return this.page.getByTestId('portal-row').filter({ hasText: label });
  }

  async add(input: PortalFormInput): Promise<void> {
    await this.page.getByRole('button', { name: 'Add portal' }).click();
    const f = this.form();
    await f.getByLabel('Label').fill(input.label);
    await f.getByLabel('Portal URL').fill(input.baseUrl);
    await f.getByLabel('Client id').fill(input.clientId);
    await f.getByLabel('Client secret').fill(input.clientSecret);
    await f.getByLabel('Robot username').fill(input.username);
    await f.getByLabel('Robot password').fill(input.password);
    if (input.pollSeconds !== undefined) await f.getByLabel('Poll interval (seconds)').fill(String(input.pollSeconds));
  }

  async testDraft(): Promise<Locator> {
    await this.form().getByRole('button', { name: 'Test connection' }).click();
    return this.page.getByTestId('portal-test-result');
  }

  async save(): Promise<void> {
    await this.form().getByRole('button', { name: /Add portal|Save/ }).click();
    await this.form().waitFor({ state: 'detached' });
  }
}
