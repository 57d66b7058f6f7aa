import type { Locator, Page } from '@playwright/test';

export class FleetPage {
  constructor(readonly page: Page) {}

  cards(): Locator {
    return this.page.getByTestId('portal-card');
  }

  card(label: string | RegExp): Locator {
    return this.cards().filter({ has: this.page.getByRole('heading', { level: 2, name: label }) });
  }

  status(card: Locator): Locator {
    return card.getByTestId('portal-status');
  }

  environment(card: Locator, name: string): Locator {
    return card.locator(`[data-testid="environment"][data-environment="${name}"]`);
  }

  /** allocated count of an environment, from the gauge's value */
  async allocated(card: Locator, name: string): Promise<number> {
    return Number(await this.environment(card, name).getByTestId('environment-gauge').getAttribute('data-value'));
  }

  async firstEnvironmentName(card: Locator): Promise<string> {
    const name = await card.getByTestId('environment').first().getAttribute('data-environment');
    if (!name) throw new Error('the portal shows no environment');
    return name;
  }
}
