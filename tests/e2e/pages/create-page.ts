import type { Locator, Page } from '@playwright/test';

export class CreateSessionPage {
  constructor(readonly page: Page) {}

  form(): Locator {
    return this.page.getByRole('form', { name: /New session/ });
  }

  async fill(input: {
    user?: string;
    email?: string;
    firstName?: string;
    lastName?: string;
    workshop?: string;
  }): Promise<void> {
    if (input.workshop) await this.page.getByTestId('workshop-select').selectOption(input.workshop);
    if (input.user !== undefined) await this.page.getByLabel('User id').fill(input.user);
    if (input.email !== undefined) await this.page.getByLabel('Email').fill(input.email);
    if (input.firstName !== undefined) await this.page.getByLabel('First name').fill(input.firstName);
    if (input.lastName !== undefined) await this.page.getByLabel('Last name').fill(input.lastName);
  }

  /** the activation window field (minutes; absent on a Learning Center portal) */
  activationWindow(): Locator {
    return this.page.getByLabel(/Activation window/);
  }

  async submit(): Promise<void> {
    await this.page.getByRole('button', { name: 'Create session' }).click();
  }

  allocation(): Locator {
    return this.page.getByTestId('allocation');
  }

  activationUrl(): Locator {
    return this.page.getByTestId('activation-url');
  }

  error(): Locator {
    return this.page.getByTestId('allocation-error');
  }
}
