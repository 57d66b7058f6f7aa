import { expect, type Download, type Locator, type Page } from '@playwright/test';
import type { AttendeeStatus } from '../../../shared/contract';

export interface NewEvent {
  name: string;
  portal: string;
  /** workshop titles to tick */
  workshops: string[];
  /** the activation window's option label, e.g. "60 minutes (default)" */
  window?: string;
}

/** Reads a download's text. */
export async function downloadText(download: Download): Promise<string> {
  const chunks = (await (await download.createReadStream()).toArray()) as Buffer[];
  return Buffer.concat(chunks).toString('utf8');
}

/** The events list and the new-event form. */
export class EventsPage {
  constructor(readonly page: Page) {}

  rows(): Locator {
    return this.page.getByTestId('event-row');
  }

  row(name: string): Locator {
    return this.rows().filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  async create(e: NewEvent): Promise<void> {
    await this.page.getByRole('link', { name: 'New event' }).first().click();
    const form = this.page.getByTestId('event-form');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(e.name);
    await form.getByRole('combobox', { name: 'Portal', exact: true }).selectOption({ label: e.portal });
    for (const w of e.workshops)
      await form
        .getByTestId('event-environments')
        .getByRole('checkbox', { name: new RegExp(w) })
        .check();
    if (e.window) await form.getByRole('combobox', { name: 'Activation window' }).selectOption({ label: e.window });
    await form.getByRole('button', { name: 'Create event' }).click();
    await expect(this.page.getByRole('heading', { level: 1 })).toContainText(e.name);
  }
}

/** One event: header, tabs, the attendee list and its actions. */
export class EventPage {
  constructor(readonly page: Page) {}

  async tab(name: 'Attendees' | 'Report' | 'Handout' | 'Edit event'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Event' }).getByRole('link', { name, exact: true }).click();
  }

  count(status: AttendeeStatus): Locator {
    return this.page.getByTestId(`count-${status}`).locator('strong');
  }

  /** toggles the status filter chip (`all` clears every filter) */
  async filter(status: AttendeeStatus | 'all'): Promise<void> {
    await this.page.getByTestId('status-counts').locator(`button[data-status="${status}"]`).click();
  }

  activated(): Locator {
    return this.page.getByTestId('activated');
  }

  async openAdd(): Promise<Locator> {
    const toggle = this.page.getByRole('button', { name: /^(Add attendees…|Hide “Add attendees”)$/ });
    await expect(toggle).toBeVisible();
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    const panel = this.page.getByTestId('add-attendees');
    await expect(panel).toBeVisible();
    return panel;
  }

  async uploadCsv(name: string, csv: string): Promise<void> {
    const panel = await this.openAdd();
    await panel.getByRole('button', { name: 'From a CSV file' }).click();
    await panel
      .getByTestId('attendee-file')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  }

  async paste(lines: string): Promise<void> {
    const panel = await this.openAdd();
    await panel.getByRole('button', { name: 'Paste a list' }).click();
    await panel.getByTestId('attendee-paste').fill(lines);
    await panel.getByRole('button', { name: 'Check the list' }).click();
  }

  preview(): Locator {
    return this.page.getByTestId('attendee-preview');
  }

  async addPreviewed(): Promise<void> {
    await this.preview()
      .getByRole('button', { name: /^Add \d+ attendees?$/ })
      .click();
  }

  outcome(): Locator {
    return this.page.getByTestId('add-outcome');
  }

  async allocate(which: 'not-yet-allocated' | 'all' | 'failed'): Promise<void> {
    const label = { 'not-yet-allocated': /^Allocate not-yet-allocated/, all: /^Allocate all/, failed: /^Retry failed/ }[
      which
    ];
    await this.page.getByTestId('allocation-panel').getByRole('button', { name: label }).click();
  }

  run(): Locator {
    return this.page.getByTestId('allocation-run');
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search attendees' }).fill(text);
  }

  /** the attendee's row (the table is virtualized: search first so the row is rendered) */
  row(email: string): Locator {
    return this.page.locator(`[data-testid="attendee-row"][data-email="${email}"]`);
  }

  rows(): Locator {
    return this.page.getByTestId('attendee-row');
  }

  async exportLinks(): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Export links as CSV' }).click();
    return downloadText(await download);
  }
}
