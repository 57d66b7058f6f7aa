import { ConsoleError } from '../../../shared/contract';
import type { CheckinAttendee, CheckinRequests } from '../events/checkin-requests';
import { notificationBanner, type Banner, type FormValues, type WorkshopText } from './checkin-page';
import { codeMatches } from './checkin-form';
import type { CheckinSettings } from './checkin-store';

/** what the page shows, and where its form may send the browser (the portal) */
export interface PageContext {
  page: { eventName: string; workshops: WorkshopText[]; askCode: boolean; listed: boolean };
  formTargets: string[];
}

export type Outcome = { kind: 'redirect'; url: string } | { kind: 'form'; status: number; banner: Banner };

export interface CheckinStats {
  checkedIn: number;
  walkIns: number;
  refused: number;
  limited: number;
  unavailable: number;
}

export interface FlowDeps {
  eventId: string;
  events: CheckinRequests;
  settings(): CheckinSettings;
  /** this page's own address: the `index_url` of every session it hands out */
  indexUrl: string;
  workshops(portalId: string, environments: readonly string[]): WorkshopText[];
  /** the portal as attendees reach it: links made reachable from the page's network, and the form's targets */
  portal(portalId: string): { link(url: string): string; targets: string[] };
  stats: CheckinStats;
  changed(): void;
  now(): number;
}

const banner = (kind: Banner['kind'], title: string, text: string): Banner => ({ kind, title, text });

/**
 * In `listed` mode a wrong code and an email that is not on the list get the same answer, so the page never tells
 * whether some address is listed.
 */
const NOT_LISTED = banner(
  'error',
  'We could not check you in with these details.',
  'Use the email address you registered with and the event code on the screen, or ask a facilitator.',
);
const WRONG_CODE = banner(
  'error',
  'That event code is not right.',
  'Check the code on the screen, or ask a facilitator.',
);

/** the portal's refusals, in the attendee's words */
function refusal(err: unknown): { status: number; banner: Banner } {
  const code = err instanceof ConsoleError ? err.code : 'internal';
  switch (code) {
    case 'no-capacity':
      return { status: 503, banner: notificationBanner('session-unavailable') as Banner };
    case 'unknown-workshop':
      return { status: 503, banner: notificationBanner('workshop-invalid') as Banner };
    case 'user-cap':
      return {
        status: 409,
        banner: banner(
          'warning',
          'You already have as many workshop sessions as the portal allows.',
          'Finish the one you have first, or ask a facilitator.',
        ),
      };
    case 'conflict':
      return {
        status: 409,
        banner: banner('info', 'Your session is being prepared.', 'Send the form again in a few seconds.'),
      };
    default:
      return {
        status: 503,
        banner: banner(
          'error',
          'The workshop portal cannot be reached right now.',
          'Try again in a minute, or ask a facilitator.',
        ),
      };
  }
}

/**
 * One check-in: the code, the attendee (found by email, or added as a walk-in), then their session through the
 * events' request path. Submissions for the same email wait for each other, so a double tap neither adds the person
 * twice nor sends two requests at once.
 */
export class CheckinFlow {
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(private readonly d: FlowDeps) {}

  page(): PageContext {
    const e = this.d.events.event(this.d.eventId);
    const s = this.d.settings();
    return {
      page: {
        eventName: e.name,
        workshops: this.d.workshops(e.portalId, e.environments),
        askCode: s.code !== null,
        listed: s.mode === 'listed',
      },
      formTargets: this.d.portal(e.portalId).targets,
    };
  }

  async submit(values: FormValues, code: string): Promise<Outcome> {
    const s = this.d.settings();
    const e = this.d.events.event(this.d.eventId);
    if (e.archived) {
      return this.refused(410, banner('error', 'Check-in for this event has closed.', 'Ask a facilitator.'));
    }
    // Threat: a page left running after the event (on a venue's network overnight) handing sessions to anyone.
    // Moving the event's end later opens it again.
    if (this.d.now() >= e.endsAt) {
      return this.refused(410, banner('error', 'This event is over, so check-in has closed.', 'Ask a facilitator.'));
    }
    if (s.code !== null && !codeMatches(s.code, code)) {
      return this.refused(403, s.mode === 'listed' ? NOT_LISTED : WRONG_CODE);
    }
    const key = values.email.toLowerCase();
    const before = this.busy.get(key) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => this.checkIn(s, e.environments, values));
    this.busy.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.busy.get(key) === mine) this.busy.delete(key);
    }
  }

  private async checkIn(s: CheckinSettings, environments: readonly string[], values: FormValues): Promise<Outcome> {
    let attendee: CheckinAttendee | null = this.d.events.findByEmail(this.d.eventId, values.email);
    if (attendee === null) {
      if (s.mode === 'listed') return this.refused(403, NOT_LISTED);
      const environment = environments.includes(values.environment) ? values.environment : (environments[0] as string);
      try {
        attendee = this.d.events.addWalkIn(this.d.eventId, { ...values, environment });
      } catch (err) {
        return this.unavailable(err);
      }
      this.d.stats.walkIns++;
    }
    try {
      const e = this.d.events.event(this.d.eventId);
      const { url } = await this.d.events.request(this.d.eventId, attendee.id, this.d.indexUrl);
      this.d.stats.checkedIn++;
      this.d.changed();
      return { kind: 'redirect', url: this.d.portal(e.portalId).link(url) };
    } catch (err) {
      return this.unavailable(err);
    }
  }

  private refused(status: number, b: Banner): Outcome {
    this.d.stats.refused++;
    this.d.changed();
    return { kind: 'form', status, banner: b };
  }

  private unavailable(err: unknown): Outcome {
    this.d.stats.unavailable++;
    this.d.changed();
    return { kind: 'form', ...refusal(err) };
  }
}
