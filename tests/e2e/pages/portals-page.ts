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
    await this.submit();
    await this.form().waitFor({ state: 'detached' });
  }

  /** presses "Add portal" / "Save" without waiting for the form to close (it may ask first, or refuse) */
  async submit(): Promise<void> {
    await this.form()
      .getByRole('button', { name: /^(Add portal|Save)$/ })
      .click();
  }

  /** what the form found before saving (a failed connection test, a duplicate URL) */
  saveCheck(): Locator {
    return this.form().getByTestId('portal-save-check');
  }

  async saveAnyway(): Promise<void> {
    await this.form().getByRole('button', { name: 'Save anyway' }).click();
    await this.form().waitFor({ state: 'detached' });
  }

  formError(): Locator {
    return this.form().getByTestId('portal-form-error');
  }

  /** the host the Portal URL will talk to, shown under the field */
  urlHost(): Locator {
    return this.form().getByTestId('portal-url-host');
  }

  builtinRow(): Locator {
    return this.page.getByTestId('portal-row').filter({ hasText: 'built-in' });
  }
}
