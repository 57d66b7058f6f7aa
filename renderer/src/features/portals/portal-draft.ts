import {
  portalInputSchema,
  portalRoot,
  portalUpdateSchema,
  samePortal,
  type PortalInput,
  type PortalUpdate,
  type PortalView,
} from '../../../../shared/contract';

/** What the portal form holds: text as typed. */
export interface Draft {
  label: string;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  pollSeconds: string;
  defaultIndexUrl: string;
  enabled: boolean;
}

export type DraftField = keyof Draft;

/** The names the form shows; errors use them, never the contract's field paths. */
export const FIELD_LABELS: Record<DraftField, string> = {
  label: 'Label',
  baseUrl: 'Portal URL',
  clientId: 'Client id',
  clientSecret: 'Client secret',
  username: 'Robot username',
  password: 'Robot password',
  pollSeconds: 'Poll interval (seconds)',
  defaultIndexUrl: 'Default index URL',
  enabled: 'Monitor this portal',
};

const CONTRACT_FIELDS: Record<string, DraftField> = {
  label: 'label',
  baseUrl: 'baseUrl',
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  username: 'username',
  password: 'password',
  pollIntervalMs: 'pollSeconds',
  defaultIndexUrl: 'defaultIndexUrl',
  enabled: 'enabled',
};

export interface FieldError {
  field: DraftField | null;
  message: string;
}

export function toDraft(p: PortalView | null): Draft {
  return {
    label: p?.label ?? '',
    baseUrl: p?.baseUrl ?? '',
    clientId: p?.clientId ?? '',
    clientSecret: '',
    username: p?.username ?? '',
    password: '',
    pollSeconds: p ? String(Math.round(p.pollIntervalMs / 1000)) : '',
    defaultIndexUrl: p?.defaultIndexUrl ?? '',
    enabled: p?.enabled ?? true,
  };
}

function pollMs(d: Draft): number | undefined | FieldError {
  const text = d.pollSeconds.trim();
  if (text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 600) {
    return { field: 'pollSeconds', message: `${FIELD_LABELS.pollSeconds}: a whole number of seconds from 1 to 600` };
  }
  return n * 1000;
}

/** The contract's issues, named as the form names its fields. */
function issuesToErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): FieldError[] {
  return issues.map((issue) => {
    const field = CONTRACT_FIELDS[String(issue.path[0] ?? '')] ?? null;
    return { field, message: field ? `${FIELD_LABELS[field]}: ${issue.message}` : issue.message };
  });
}

/**
 * An `invalid-input` message from the console (`draft.baseUrl: must …; clientSecret: …`) with the contract's
 * paths replaced by the form's names.
 */
export function humanizeMessage(message: string): string {
  return message.replace(/(^|;\s*)(?:draft\.|changes\.)?([A-Za-z]+):/g, (whole, lead: string, key: string) => {
    const field = CONTRACT_FIELDS[key];
    return field ? `${lead}${FIELD_LABELS[field]}:` : whole;
  });
}

function required(d: Draft, fields: DraftField[]): FieldError[] {
  return fields
    .filter((f) => typeof d[f] === 'string' && d[f].trim() === '')
    .map((f) => ({ field: f, message: `${FIELD_LABELS[f]}: required` }));
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** A new portal: every field checked with the contract's own schema before anything is sent. */
export function checkNew(d: Draft): Checked<PortalInput> {
  const missing = required(d, ['label', 'baseUrl', 'clientId', 'clientSecret', 'username', 'password']);
  if (missing.length) return { ok: false, errors: missing };
  const poll = pollMs(d);
  if (typeof poll === 'object') return { ok: false, errors: [poll] };
  const parsed = portalInputSchema.safeParse({
    label: d.label.trim(),
    baseUrl: d.baseUrl.trim(),
    clientId: d.clientId.trim(),
    clientSecret: d.clientSecret,
    username: d.username.trim(),
    password: d.password,
    enabled: d.enabled,
    ...(poll !== undefined ? { pollIntervalMs: poll } : {}),
    ...(d.defaultIndexUrl.trim() ? { defaultIndexUrl: d.defaultIndexUrl.trim() } : {}),
  });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: issuesToErrors(parsed.error.issues) };
}

/**
 * An edit: only what changed is sent (an empty secret keeps the stored one). The built-in portal's address and
 * robot are the console's, so only its label, poll interval, index URL and on/off are considered.
 */
export function checkEdit(d: Draft, p: PortalView): Checked<PortalUpdate> {
  const fields: DraftField[] = p.builtin ? ['label'] : ['label', 'baseUrl', 'clientId', 'username'];
  const missing = required(d, fields);
  if (missing.length) return { ok: false, errors: missing };
  const poll = pollMs(d);
  if (typeof poll === 'object') return { ok: false, errors: [poll] };
  const was = toDraft(p);
  const changed = (f: DraftField) => String(d[f]).trim() !== String(was[f]).trim();
  const update: Record<string, unknown> = { id: p.id };
  if (changed('label')) update['label'] = d.label.trim();
  if (poll !== undefined && poll !== p.pollIntervalMs) update['pollIntervalMs'] = poll;
  if (d.defaultIndexUrl.trim() && changed('defaultIndexUrl')) update['defaultIndexUrl'] = d.defaultIndexUrl.trim();
  if (d.enabled !== p.enabled) update['enabled'] = d.enabled;
  if (!p.builtin) {
    for (const f of ['baseUrl', 'clientId', 'username'] as const) if (changed(f)) update[f] = d[f].trim();
    if (d.clientSecret) update['clientSecret'] = d.clientSecret;
    if (d.password) update['password'] = d.password;
  }
  const parsed = portalUpdateSchema.safeParse(update);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: issuesToErrors(parsed.error.issues) };
}

/** Whether an edit touches the connection (so saving it tests the connection first). */
export function touchesConnection(u: PortalUpdate): boolean {
  return ['baseUrl', 'clientId', 'username', 'clientSecret', 'password'].some((k) => k in u);
}

/** Other portals with the same URL (same origin), named for the save check. */
export function duplicatesOf(url: string, portals: readonly PortalView[], self: string | null): PortalView[] {
  return portals.filter((p) => p.id !== self && samePortal(p.baseUrl, url));
}

export type UrlHint = { tone: 'info' | 'warn'; text: string } | null;

/** What the Portal URL field will talk to, shown under it while typing. */
export function urlHint(text: string): UrlHint {
  const typed = text.trim();
  if (!typed) return null;
  const root = portalRoot(typed);
  if (!root.ok) return root.host ? { tone: 'warn', text: `Connects to ${root.host}: the URL ${root.reason}.` } : null;
  if (root.trimmed) {
    return {
      tone: 'info',
      text: `Connects to ${root.host}, at the portal's root ${root.url} (${root.trimmed} is left out).`,
    };
  }
  return { tone: 'info', text: `Connects to ${root.host}.` };
}
