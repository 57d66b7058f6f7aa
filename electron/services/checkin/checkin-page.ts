/**
 * The attendee's pages, rendered on the server: plain HTML, one static style sheet, no script at all. Everything
 * that comes from outside (the event and workshop texts, what the attendee typed) is escaped.
 */

export interface WorkshopText {
  environment: string;
  title: string;
  description: string;
}

export interface FormValues {
  firstName: string;
  lastName: string;
  email: string;
  environment: string;
}

export const EMPTY_FORM: FormValues = { firstName: '', lastName: '', email: '', environment: '' };

export interface AttendeePageData {
  eventName: string;
  workshops: readonly WorkshopText[];
  askCode: boolean;
  /** `listed`: the page says only listed attendees can check in, and offers no choice of workshop */
  listed: boolean;
  csrfToken: string;
  values: FormValues;
  /** a banner at the top: a notification from the portal, or the outcome of a submission */
  banner: Banner | null;
}

export interface Banner {
  kind: 'info' | 'warning' | 'error';
  title: string;
  text: string;
  /** `data-notification` on the banner, for the portal's notification values */
  notification?: string;
}

/**
 * The portal sends attendees back here with `notification=<value>` (the `index_url` of their session is this page).
 * Each value gets plain words: what happened and what to do. Other values are ignored, never echoed.
 */
const NOTIFICATIONS: Record<string, Omit<Banner, 'notification'>> = {
  'session-deleted': {
    kind: 'info',
    title: 'Your workshop session has ended.',
    text: 'It ran out of time, was finished, or a facilitator ended it. To start again, check in below.',
  },
  'workshop-invalid': {
    kind: 'error',
    title: 'This workshop is not available on the portal.',
    text: 'Ask a facilitator which workshop to use.',
  },
  'session-unavailable': {
    kind: 'warning',
    title: 'No workshop session is free right now.',
    text: 'Ask a facilitator: they can make room, or tell you when to try again.',
  },
  'session-invalid': {
    kind: 'warning',
    title: 'That workshop session is not yours, or it no longer exists.',
    text: 'Check in below with your own email to get to your session.',
  },
  'startup-timeout': {
    kind: 'error',
    title: 'Your workshop session took too long to start and was ended.',
    text: 'Check in again to get a new one. If it happens again, ask a facilitator.',
  },
};

export function notificationBanner(value: unknown): Banner | null {
  if (typeof value !== 'string' || !Object.hasOwn(NOTIFICATIONS, value)) return null;
  return { ...(NOTIFICATIONS[value] as Omit<Banner, 'notification'>), notification: value };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function shell(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/checkin.css">
</head>
<body>
<main class="card">
${main}
</main>
</body>
</html>
`;
}

function bannerHtml(b: Banner): string {
  const data = b.notification ? ` data-notification="${escapeHtml(b.notification)}"` : '';
  const role = b.kind === 'info' ? 'status' : 'alert';
  return `<div class="banner banner-${b.kind}" role="${role}" id="banner"${data}>
<p class="banner-title">${escapeHtml(b.title)}</p>
<p>${escapeHtml(b.text)}</p>
</div>`;
}

function field(name: string, label: string, value: string, attrs: string): string {
  return `<label for="${name}">${escapeHtml(label)}</label>
<input id="${name}" name="${name}" value="${escapeHtml(value)}" ${attrs}>`;
}

function workshopChoice(d: AttendeePageData): string {
  if (d.listed || d.workshops.length < 2) return '';
  const chosen = d.workshops.some((w) => w.environment === d.values.environment)
    ? d.values.environment
    : (d.workshops[0]?.environment ?? '');
  const options = d.workshops
    .map(
      (w) =>
        `<label class="choice"><input type="radio" name="environment" value="${escapeHtml(w.environment)}"${
          w.environment === chosen ? ' checked' : ''
        }> ${escapeHtml(w.title)}</label>`,
    )
    .join('\n');
  return `<fieldset><legend>Workshop</legend>\n${options}\n</fieldset>`;
}

const CODE_ATTRS = 'autocomplete="off" autocapitalize="characters" maxlength="40" required';

/** the check-in page: the event, its workshops, a banner when there is one, and the form */
export function attendeePage(d: AttendeePageData): string {
  const workshops = d.workshops
    .map(
      (w) => `<section class="workshop">
<h2>${escapeHtml(w.title)}</h2>
${w.description ? `<p>${escapeHtml(w.description)}</p>` : ''}
</section>`,
    )
    .join('\n');
  const who = d.listed
    ? 'Check in with the email address you registered with.'
    : 'Enter your name and email to get your own workshop session.';
  const main = `<p class="eyebrow">Check in</p>
<h1 id="event-name">${escapeHtml(d.eventName)}</h1>
${d.banner ? bannerHtml(d.banner) : ''}
${workshops}
<form method="post" action="/" id="checkin-form" novalidate>
<p class="who">${escapeHtml(who)}</p>
<input type="hidden" name="_csrf" value="${escapeHtml(d.csrfToken)}">
${field('firstName', 'First name', d.values.firstName, 'autocomplete="given-name" maxlength="150" required')}
${field('lastName', 'Last name', d.values.lastName, 'autocomplete="family-name" maxlength="150"')}
${field('email', 'Email', d.values.email, 'type="email" autocomplete="email" maxlength="254" required')}
${d.askCode ? field('code', 'Event code', '', CODE_ATTRS) : ''}
${workshopChoice(d)}
<button type="submit">Check in and start the workshop</button>
</form>
<p class="fine">Your name and email go to the facilitators of this event and to the workshop portal, nowhere else.</p>`;
  return shell(`Check in: ${d.eventName}`, main);
}

/** a page for a request that cannot be answered with the form (wrong address, an error of the console…) */
export function messagePage(title: string, text: string, link = true): string {
  const back = link ? '\n<p><a class="button" href="/">Back to the check-in page</a></p>' : '';
  return shell(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(text)}</p>${back}`);
}
