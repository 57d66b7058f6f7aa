import type { AttendeeSource } from '../../../shared/contract';
import type Database from 'better-sqlite3';
import type { Db } from '../console-db';
import type { AllocationRec, AllocationStatus, AttendeeRec, EventRec } from './event-model';

/** console.db's rows of events, attendees and allocations, and the statements that write them */

export interface AllocationRow {
  id: number;
  attendee_id: string;
  environment: string;
  session: string | null;
  activation_url: string | null;
  requested_at: number;
  allocated_at: number | null;
  activate_by: number | null;
  expires_at: number | null;
  first_running_at: number | null;
  ended_at: number | null;
  extensions: number;
  status: string;
  reason: string | null;
  flags: string;
}

export const ALLOCATION_COLUMNS = `id, attendee_id, environment, session, activation_url, requested_at, allocated_at,
  activate_by,
  expires_at, first_running_at, ended_at, extensions, status, reason, flags`;

export function toAllocation(r: AllocationRow): AllocationRec {
  let flags: string[] = [];
  try {
    const parsed: unknown = JSON.parse(r.flags);
    if (Array.isArray(parsed)) flags = parsed.filter((f): f is string => typeof f === 'string');
  } catch {
    // a damaged flags cell loses only its notes
  }
  return {
    id: r.id,
    environment: r.environment,
    session: r.session,
    activationUrl: r.activation_url,
    requestedAt: r.requested_at,
    allocatedAt: r.allocated_at,
    activateBy: r.activate_by,
    expiresAt: r.expires_at,
    firstRunningAt: r.first_running_at,
    endedAt: r.ended_at,
    extensions: r.extensions,
    status: r.status as AllocationStatus,
    reason: r.reason,
    flags,
  };
}

export function allocationParams(a: AllocationRec) {
  return [
    a.environment,
    a.session,
    a.activationUrl,
    a.requestedAt,
    a.allocatedAt,
    a.activateBy,
    a.expiresAt,
    a.firstRunningAt,
    a.endedAt,
    a.extensions,
    a.status,
    a.reason,
    JSON.stringify(a.flags),
  ];
}

type StatementName =
  | 'insertEvent'
  | 'updateEvent'
  | 'revision'
  | 'deleteEvent'
  | 'insertAttendee'
  | 'updateAttendee'
  | 'deleteAttendee'
  | 'insertAllocation'
  | 'updateAllocation'
  | 'deleteAllocation';

export type Statements = ReturnType<typeof prepare>;

export function prepare(db: Db): Record<StatementName, Database.Statement> & {
  previousAllocation: Database.Statement<[string, number], AllocationRow>;
  eventAllocations: Database.Statement<[string], AllocationRow>;
} {
  return {
    insertEvent: db.prepare(
      `INSERT INTO events (id, name, portal_id, environments, starts_at, ends_at, activation_window_s, index_url,
       archived,
       created_at, updated_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0)`,
    ),
    updateEvent: db.prepare(
      `UPDATE events SET name = ?, portal_id = ?, environments = ?, starts_at = ?, ends_at = ?, activation_window_s = ?,
       index_url = ?, archived = ?, updated_at = ?, revision = ? WHERE id = ?`,
    ),
    revision: db.prepare('UPDATE events SET revision = ? WHERE id = ?'),
    deleteEvent: db.prepare('DELETE FROM events WHERE id = ?'),
    insertAttendee: db.prepare(
      `INSERT INTO attendees (id, event_id, seq, email, email_key, first_name, last_name, user, user_key, environment,
       source,
       added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateAttendee: db.prepare(
      `UPDATE attendees SET email = ?, email_key = ?, first_name = ?, last_name = ?, user = ?, user_key = ?,
       environment = ?
       WHERE id = ?`,
    ),
    deleteAttendee: db.prepare('DELETE FROM attendees WHERE id = ?'),
    insertAllocation: db.prepare(
      `INSERT INTO allocations (attendee_id, event_id, environment, session, activation_url, requested_at, allocated_at,
       activate_by, expires_at, first_running_at, ended_at, extensions, status, reason, flags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateAllocation: db.prepare(
      `UPDATE allocations SET environment = ?, session = ?, activation_url = ?, requested_at = ?, allocated_at = ?,
       activate_by = ?, expires_at = ?, first_running_at = ?, ended_at = ?, extensions = ?, status = ?, reason = ?,
       flags = ?
       WHERE id = ?`,
    ),
    deleteAllocation: db.prepare('DELETE FROM allocations WHERE id = ?'),
    previousAllocation: db.prepare<[string, number], AllocationRow>(
      `SELECT ${ALLOCATION_COLUMNS} FROM allocations WHERE attendee_id = ? AND id < ? ORDER BY id DESC LIMIT 1`,
    ),
    eventAllocations: db.prepare<[string], AllocationRow>(
      `SELECT ${ALLOCATION_COLUMNS} FROM allocations WHERE event_id = ? ORDER BY id`,
    ),
  };
}

export function loadEvents(db: Db): EventRec[] {
  const loaded = new Map<string, EventRec>();
  const events = db.prepare<[], Record<string, unknown>>('SELECT * FROM events ORDER BY created_at, id').all();
  for (const r of events) {
    loaded.set(r['id'] as string, {
      id: r['id'] as string,
      name: r['name'] as string,
      portalId: r['portal_id'] as string,
      environments: parseList(r['environments']),
      startsAt: r['starts_at'] as number,
      endsAt: r['ends_at'] as number,
      activationWindowS: r['activation_window_s'] as number,
      indexUrl: (r['index_url'] as string | null) ?? null,
      archived: r['archived'] === 1,
      createdAt: r['created_at'] as number,
      updatedAt: r['updated_at'] as number,
      revision: r['revision'] as number,
      attendees: new Map(),
    });
  }
  const attendees = db.prepare<[], Record<string, unknown>>('SELECT * FROM attendees ORDER BY event_id, seq').all();
  const byId = new Map<string, AttendeeRec>();
  for (const r of attendees) {
    const e = loaded.get(r['event_id'] as string);
    if (!e) continue;
    const a: AttendeeRec = {
      id: r['id'] as string,
      eventId: e.id,
      seq: r['seq'] as number,
      email: r['email'] as string,
      firstName: r['first_name'] as string,
      lastName: r['last_name'] as string,
      user: r['user'] as string,
      environment: r['environment'] as string,
      source: r['source'] as AttendeeSource,
      addedAt: r['added_at'] as number,
      current: null,
      sessions: 0,
    };
    e.attendees.set(a.id, a);
    byId.set(a.id, a);
  }
  // rows in id order: each attendee's last one is current
  const rows = db.prepare<[], AllocationRow>(`SELECT ${ALLOCATION_COLUMNS} FROM allocations ORDER BY id`);
  for (const r of rows.iterate()) {
    const a = byId.get(r.attendee_id);
    if (!a) continue;
    a.current = toAllocation(r);
    if (r.session) a.sessions++;
  }
  return [...loaded.values()];
}

function parseList(v: unknown): string[] {
  try {
    const parsed: unknown = JSON.parse(String(v));
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
