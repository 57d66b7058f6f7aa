import { randomUUID } from 'node:crypto';
import Papa from 'papaparse';
import { z } from 'zod';
import { ConsoleError, type Allocation, type RosterParse, type RosterRow, type RosterRowResult, type RosterState } from '../../shared/contract';
import { isUserId, userIdFromEmail } from './user-id';
import { runPool } from './worker-pool';

const COLUMNS = ['email', 'first_name', 'last_name', 'user'] as const;
const REQUIRED = ['email', 'first_name', 'last_name'] as const;
type Column = (typeof COLUMNS)[number];
const emailSchema = z.email();
const RAW_MAX = 200;

/**
 * Parses an attendee roster: header `email,first_name,last_name[,user]` in any order and case, BOM tolerated,
 * cells trimmed. Every bad row is reported with its line and reason; garbage never throws.
 */
export function parseRoster(csv: string): RosterParse {
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
  if (!header) return { rows: [], errors: [{ line: 1, reason: 'the roster is empty', raw: '' }] };

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
      errors: [{ line: header.line, reason: `bad header (${parts.join('; ')}): expected email,first_name,last_name[,user]`, raw: header.raw }],
    };
  }
  const index = Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<Column, number>;

  const rows: RosterRow[] = [];
  const errors: RosterParse['errors'] = [];
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

export function rosterCsv(state: RosterStateInternal): string {
  return Papa.unparse(
    {
      fields: ['email', 'first_name', 'last_name', 'user', 'session', 'activation_url', 'status', 'reason'],
      data: state.rows.map((r) => {
        const names = state.people.get(r.line);
        return [r.email, names?.firstName ?? '', names?.lastName ?? '', r.user, r.session ?? '', r.activationUrl ?? '', r.status, r.reason ?? ''];
      }),
    },
    { escapeFormulae: FORMULA_START, newline: '\r\n' },
  );
}

// ---- allocation ---------------------------------------------------------------------------------------

export type Allocate = (row: RosterRow, signal: AbortSignal) => Promise<Allocation>;

interface RosterRun extends Omit<RosterState, 'rows'> {
  rows: RosterRowResult[];
  people: Map<number, { firstName: string; lastName: string }>;
  input: Map<number, RosterRow>;
  abort: AbortController;
  done: Promise<void>;
}
export type RosterStateInternal = RosterState & { people: Map<number, { firstName: string; lastName: string }> };

export interface RosterRunnerOptions {
  now?: () => number;
  /** minimum time between two roster.progress events of one roster (the last one is always sent) */
  progressIntervalMs?: number;
  onProgress: (state: RosterState) => void;
}

/** Runs roster allocations with bounded concurrency; keeps per-row results for export and retry. */
export class RosterRunner {
  private readonly runs = new Map<string, RosterRun>();
  private readonly lastPush = new Map<string, number>();
  private readonly pushTimers = new Map<string, NodeJS.Timeout>();
  private readonly now: () => number;

  constructor(private readonly options: RosterRunnerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(portalId: string, environment: string, rows: RosterRow[], concurrency: number, allocate: Allocate): RosterState {
    const seen = new Set<number>();
    for (const r of rows) {
      if (seen.has(r.line)) throw new ConsoleError('invalid-input', `line ${r.line} appears twice in the roster`);
      seen.add(r.line);
    }
    const run: RosterRun = {
      rosterId: randomUUID(),
      portalId,
      environment,
      status: 'running',
      total: rows.length,
      allocated: 0,
      failed: 0,
      rows: rows.map((r) => ({ line: r.line, user: r.user, email: r.email, status: 'pending', session: null, activationUrl: null, reason: null })),
      people: new Map(rows.map((r) => [r.line, { firstName: r.firstName, lastName: r.lastName }])),
      input: new Map(rows.map((r) => [r.line, r])),
      abort: new AbortController(),
      done: Promise.resolve(),
    };
    this.runs.set(run.rosterId, run);
    this.execute(run, concurrency, allocate);
    return this.view(run);
  }

  get(rosterId: string): RosterState {
    return this.view(this.find(rosterId));
  }

  /** for export: the state plus the names kept for the CSV */
  getForExport(rosterId: string): RosterStateInternal {
    const run = this.find(rosterId);
    return { ...this.view(run), people: run.people };
  }

  cancel(rosterId: string): RosterState {
    const run = this.find(rosterId);
    if (run.status === 'running') {
      run.abort.abort();
      for (const r of run.rows) if (r.status === 'pending') Object.assign(r, { status: 'cancelled', reason: 'cancelled before it was requested' });
      run.status = 'cancelled';
      this.progress(run, true);
    }
    return this.view(run);
  }

  /** requests again every row that is not allocated (failed or cancelled); safe, see PortalClient.requestSession */
  retryFailed(rosterId: string, concurrency: number, allocate: Allocate): RosterState {
    const run = this.find(rosterId);
    if (run.status === 'running') throw new ConsoleError('conflict', 'this roster is still running');
    const again = run.rows.filter((r) => r.status === 'failed' || r.status === 'cancelled');
    if (again.length === 0) return this.view(run);
    for (const r of again) Object.assign(r, { status: 'pending', reason: null });
    run.abort = new AbortController();
    run.status = 'running';
    this.count(run);
    this.execute(run, concurrency, allocate);
    return this.view(run);
  }

  /** resolves when the roster's current run has finished (used by close() and tests) */
  async settled(rosterId: string): Promise<RosterState> {
    const run = this.find(rosterId);
    await run.done;
    return this.view(run);
  }

  async close(): Promise<void> {
    for (const run of this.runs.values()) if (run.status === 'running') this.cancel(run.rosterId);
    for (const t of this.pushTimers.values()) clearTimeout(t);
    this.pushTimers.clear();
    await Promise.allSettled([...this.runs.values()].map((r) => r.done));
  }

  private find(rosterId: string): RosterRun {
    const run = this.runs.get(rosterId);
    if (!run) throw new ConsoleError('not-found', 'no such roster (rosters are kept until the console restarts)');
    return run;
  }

  private execute(run: RosterRun, concurrency: number, allocate: Allocate): void {
    const queue = run.rows.filter((r) => r.status === 'pending');
    const signal = run.abort.signal;
    const allocateRow = async (row: RosterRowResult) => {
      const input = run.input.get(row.line);
      if (!input) return;
      row.status = 'running';
      this.progress(run);
      try {
        const a = await allocate(input, signal);
        Object.assign(row, { status: 'allocated', session: a.session, activationUrl: a.activationUrl, reason: null });
        run.allocated++;
      } catch (err) {
        const cancelled = signal.aborted || (err instanceof ConsoleError && err.code === 'cancelled');
        Object.assign(row, {
          status: cancelled ? 'cancelled' : 'failed',
          reason: cancelled ? 'cancelled' : err instanceof ConsoleError ? err.message : 'unexpected error',
        });
        if (!cancelled) run.failed++;
      }
      this.progress(run);
    };
    run.done = runPool(queue, concurrency, allocateRow, signal).then(() => {
      if (run.status === 'running') run.status = 'done';
      this.count(run);
      this.progress(run, true);
    });
  }

  private count(run: RosterRun): void {
    run.allocated = run.rows.filter((r) => r.status === 'allocated').length;
    run.failed = run.rows.filter((r) => r.status === 'failed').length;
  }

  /** throttled: at most one event per interval per roster, the final state always */
  private progress(run: RosterRun, final = false): void {
    const interval = this.options.progressIntervalMs ?? 250;
    const last = this.lastPush.get(run.rosterId) ?? -Infinity;
    const pending = this.pushTimers.get(run.rosterId);
    const send = () => {
      this.pushTimers.delete(run.rosterId);
      this.lastPush.set(run.rosterId, this.now());
      this.options.onProgress(this.view(run));
    };
    if (final || this.now() - last >= interval) {
      if (pending) clearTimeout(pending);
      send();
    } else if (!pending) {
      const t = setTimeout(send, interval - (this.now() - last));
      t.unref?.();
      this.pushTimers.set(run.rosterId, t);
    }
  }

  private view(run: RosterRun): RosterState {
    return {
      rosterId: run.rosterId,
      portalId: run.portalId,
      environment: run.environment,
      status: run.status,
      total: run.total,
      allocated: run.allocated,
      failed: run.failed,
      rows: run.rows.map((r) => ({ ...r })),
    };
  }
}
