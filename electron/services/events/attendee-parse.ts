import { z } from 'zod';
import type { AttendeeParse } from '../../../shared/contract';
import { parseAttendeeCsv } from './attendee-csv';
import { userIdFromEmail } from '../user-id';

const emailSchema = z.email();
const RAW_MAX = 200;
const MAX_ENTRIES = 10_000;

/**
 * Attendees from a CSV file (email, first_name, last_name[, user]) or from pasted lines. Garbage never throws; bad
 * rows are reported.
 */
export function parseAttendees(text: string, format: 'csv' | 'lines'): AttendeeParse {
  return format === 'csv' ? parseAttendeeCsv(text) : parseLines(text);
}

/**
 * Pasted lines, as copied from a mail client's To: field, a spreadsheet column or typed by hand:
 * `Ada Lovelace <ada@example.org>`, `"Lovelace, Ada" <ada@example.org>`, `Ada Lovelace ada@example.org` or a bare
 * `ada@example.org`; several per line separated by commas or semicolons. A name is split at its first space (first
 * name, then the rest), or at a comma as "Last, First".
 */
export function parseLines(input: string): AttendeeParse {
  const rows: AttendeeParse['rows'] = [];
  const errors: AttendeeParse['errors'] = [];
  const seenEmail = new Map<string, number>();
  const seenUser = new Map<string, number>();
  const lines = input.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (const [i, line] of lines.entries()) {
    const lineNo = i + 1;
    for (const entry of splitEntries(line)) {
      if (rows.length + errors.length >= MAX_ENTRIES) {
        errors.push({ line: lineNo, reason: `more than ${MAX_ENTRIES} entries: the rest was not read`, raw: '' });
        return { rows, errors };
      }
      const fail = (reason: string) => errors.push({ line: lineNo, reason, raw: entry.slice(0, RAW_MAX) });
      const parsed = parseEntry(entry);
      if (typeof parsed === 'string') {
        fail(parsed);
        continue;
      }
      const { email, firstName, lastName } = parsed;
      if (firstName.length > 150 || lastName.length > 150) {
        fail('name longer than 150 characters');
        continue;
      }
      const user = userIdFromEmail(email);
      const firstEmail = seenEmail.get(email.toLowerCase());
      if (firstEmail !== undefined) {
        fail(`duplicate email (first on line ${firstEmail})`);
        continue;
      }
      const firstUser = seenUser.get(user);
      if (firstUser !== undefined) {
        fail(`duplicate user "${user}" (first on line ${firstUser})`);
        continue;
      }
      seenEmail.set(email.toLowerCase(), lineNo);
      seenUser.set(user, lineNo);
      rows.push({ line: lineNo, email, firstName, lastName, user });
    }
  }
  return { rows, errors };
}

/** splits a line at commas and semicolons outside quotes and <…>; a piece without "@" belongs to the next one */
function splitEntries(line: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '<' && !quoted) angle = true;
    else if (ch === '>' && !quoted) angle = false;
    if ((ch === ',' || ch === ';') && !quoted && !angle) {
      pieces.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  const entries: string[] = [];
  let carry = '';
  for (const p of pieces) {
    const joined = carry ? `${carry},${p}` : p;
    if (p.includes('@')) {
      entries.push(joined.trim());
      carry = '';
    } else {
      carry = joined;
    }
  }
  if (carry.trim()) entries.push(carry.trim());
  return entries.filter((e) => e !== '');
}

function parseEntry(entry: string): { email: string; firstName: string; lastName: string } | string {
  let name: string;
  let email: string;
  const angle = /^(.*?)<([^<>]*)>\s*$/.exec(entry);
  if (angle) {
    name = angle[1] ?? '';
    email = (angle[2] ?? '').trim();
  } else {
    const words = entry.split(/\s+/);
    const at = words.findIndex((w) => w.includes('@'));
    if (at === -1) return 'no email address';
    email = (words[at] ?? '').replace(/^mailto:/i, '');
    name = [...words.slice(0, at), ...words.slice(at + 1)].join(' ');
  }
  if (email.length > 254 || !emailSchema.safeParse(email).success) return `bad email "${email.slice(0, 80)}"`;
  return { email, ...splitName(name) };
}

function splitName(raw: string): { firstName: string; lastName: string } {
  const name = raw
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/^'(.*)'$/, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  if (!name) return { firstName: '', lastName: '' };
  const comma = name.indexOf(',');
  if (comma >= 0) return { firstName: name.slice(comma + 1).trim(), lastName: name.slice(0, comma).trim() };
  const space = name.indexOf(' ');
  return space === -1
    ? { firstName: name, lastName: '' }
    : { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
}
