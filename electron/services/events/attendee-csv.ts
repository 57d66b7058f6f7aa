import Papa from 'papaparse';
import { z } from 'zod';
import type { AttendeeParse } from '../../../shared/contract';
import { isUserId, userIdFromEmail } from '../user-id';

const COLUMNS = ['email', 'first_name', 'last_name', 'user'] as const;
const REQUIRED = ['email', 'first_name', 'last_name'] as const;
type Column = (typeof COLUMNS)[number];
const emailSchema = z.email();
const RAW_MAX = 200;

/**
 * Parses an attendee list in CSV: header `email,first_name,last_name[,user]` in any order and case, BOM tolerated,
 * cells trimmed. Every bad row is reported with its line and reason; garbage never throws.
 */
export function parseAttendeeCsv(csv: string): AttendeeParse {
  const text = csv.replace(/^\uFEFF/, '');
  const records: { line: number; cells: string[]; raw: string }[] = [];
  let line = 1;
  let offset = 0;
  try {
    Papa.parse<string[]>(text, {
      header: false,
      skipEmptyLines: false,
      step: (result) => {
        const cursor = result.meta.cursor;
        const raw = text.slice(offset, cursor);
        const cells = result.data.map((c) => (typeof c === 'string' ? c.trim() : ''));
        records.push({ line, cells, raw: raw.replace(/\r?\n$/, '').slice(0, RAW_MAX) });
        line += (raw.match(/\r\n|\r|\n/g) ?? []).length;
        offset = cursor;
      },
    });
  } catch {
    return { rows: [], errors: [{ line: 1, reason: 'the file could not be read as CSV', raw: '' }] };
  }
  const nonEmpty = records.filter((r) => r.cells.some((c) => c !== ''));
  const header = nonEmpty[0];
  if (!header) return { rows: [], errors: [{ line: 1, reason: 'the file is empty', raw: '' }] };

  const names = header.cells.map((c) => c.toLowerCase());
  const unknown = names.filter((n) => !(COLUMNS as readonly string[]).includes(n));
  const missing = REQUIRED.filter((c) => !names.includes(c));
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  if (unknown.length || missing.length || dup.length) {
    const parts = [
      missing.length ? `missing column ${missing.join(', ')}` : '',
      unknown.length ? `unknown column ${unknown.map((u) => `"${u.slice(0, 40)}"`).join(', ')}` : '',
      dup.length ? `repeated column ${dup.join(', ')}` : '',
    ].filter(Boolean);
    return {
      rows: [],
      errors: [
        {
          line: header.line,
          reason: `bad header (${parts.join('; ')}): expected email,first_name,last_name[,user]`,
          raw: header.raw,
        },
      ],
    };
  }
  const index = Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<Column, number>;

  const rows: AttendeeParse['rows'] = [];
  const errors: AttendeeParse['errors'] = [];
  const seenEmail = new Map<string, number>();
  const seenUser = new Map<string, number>();
  for (const rec of nonEmpty.slice(1)) {
    const fail = (reason: string) => errors.push({ line: rec.line, reason, raw: rec.raw });
    if (rec.cells.length > names.length) {
      fail(`too many columns (${rec.cells.length}, expected ${names.length})`);
      continue;
    }
    const cell = (c: Column) => (index[c] >= 0 ? (rec.cells[index[c]] ?? '') : '');
    const email = cell('email');
    const firstName = cell('first_name');
    const lastName = cell('last_name');
    const absent = REQUIRED.filter((c) => cell(c) === '');
    if (absent.length) {
      fail(`missing ${absent.join(', ')}`);
      continue;
    }
    if (email.length > 254 || !emailSchema.safeParse(email).success) {
      fail(`bad email "${email.slice(0, 80)}"`);
      continue;
    }
    if (firstName.length > 150 || lastName.length > 150) {
      fail('name longer than 150 characters');
      continue;
    }
    const given = cell('user');
    const user = given || userIdFromEmail(email);
    if (!isUserId(user)) {
      fail(`bad user id "${user.slice(0, 80)}" (letters, digits, "-" or "_", at most 150)`);
      continue;
    }
    const emailKey = email.toLowerCase();
    const firstEmail = seenEmail.get(emailKey);
    if (firstEmail !== undefined) {
      fail(`duplicate email (first on line ${firstEmail})`);
      continue;
    }
    const firstUser = seenUser.get(user.toLowerCase());
    if (firstUser !== undefined) {
      fail(`duplicate user "${user}" (first on line ${firstUser})`);
      continue;
    }
    seenEmail.set(emailKey, rec.line);
    seenUser.set(user.toLowerCase(), rec.line);
    rows.push({ line: rec.line, email, firstName, lastName, user });
  }
  return { rows, errors };
}

/**
 * Spreadsheet formula injection: a cell starting with =, +, -, @, tab or CR is prefixed with '. papaparse's
 * built-in `escapeFormulae: true` regex (/^[=+\-@\t\r].*$/) misses cells with a line break after the first
 * character ("." does not match newlines), so the pattern is given explicitly.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;
