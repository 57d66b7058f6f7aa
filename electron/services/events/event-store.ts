import { randomUUID } from 'node:crypto';
import { ConsoleError, type AttendeeSource } from '../../../shared/contract';
import type { Db } from '../console-db';
import type { AllocationRec, AttendeeRec, EventRec } from './event-model';
import { allocationParams, loadEvents, prepare, toAllocation, type Statements } from './event-rows';
import { GroupCommit } from './group-commit';

export interface EventFields {
  name: string;
  portalId: string;
  environments: string[];
  startsAt: number;
  endsAt: number;
  activationWindowS: number;
  indexUrl: string | null;
}

export interface NewAttendee {
  email: string;
  firstName: string;
  lastName: string;
  user: string;
  environment: string;
  source: AttendeeSource;
}

export type AttendeePatch = Partial<Pick<AttendeeRec, 'email' | 'firstName' | 'lastName' | 'user' | 'environment'>>;
export type AllocationPatch = Partial<Omit<AllocationRec, 'id'>>;

/**
 * A run's writes are committed in batches this long: intents are committed ahead of their requests and results are
 * not waited on by the run, so the delay costs no throughput, and each commit (a write to the WAL) is shared.
 */
const COMMIT_WINDOW_MS = 4;

/**
 * console.db's events, attendees and allocations, with every event held in memory (a poll reconciles thousands of
 * attendees without a query). Each change is one transaction, and memory changes only after its commit, so nothing
 * is shown that is not on disk.
 */
export class EventStore {
  private readonly events = new Map<string, EventRec>();
  private readonly st: Statements;
  /** events whose staged writes wait for the next group commit (their revision moves with it) */
  private readonly touched = new Set<EventRec>();
  private readonly commits: GroupCommit;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {
    this.st = prepare(db);
    this.commits = new GroupCommit(db, COMMIT_WINDOW_MS, {
      write: () => {
        for (const e of this.touched) this.st.revision.run(e.revision + 1, e.id);
      },
      committed: () => {
        for (const e of this.touched) e.revision++;
        this.touched.clear();
      },
      failed: () => undefined,
    });
    for (const e of loadEvents(db)) this.events.set(e.id, e);
  }

  /** commits what is staged now (before the database closes) */
  flush(): void {
    this.commits.flush();
  }

  list(): EventRec[] {
    return [...this.events.values()];
  }

  get(eventId: string): EventRec {
    const e = this.events.get(eventId);
    if (!e) throw new ConsoleError('not-found', 'no such event');
    return e;
  }

  attendee(e: EventRec, attendeeId: string): AttendeeRec {
    const a = e.attendees.get(attendeeId);
    if (!a) throw new ConsoleError('not-found', `no such attendee in ${e.name}`);
    return a;
  }

  createEvent(f: EventFields): EventRec {
    const t = this.now();
    const e: EventRec = {
      id: randomUUID(),
      ...f,
      environments: [...f.environments],
      archived: false,
      createdAt: t,
      updatedAt: t,
      revision: 0,
      attendees: new Map(),
    };
    this.st.insertEvent.run(
      e.id,
      e.name,
      e.portalId,
      JSON.stringify(e.environments),
      e.startsAt,
      e.endsAt,
      e.activationWindowS,
      e.indexUrl,
      t,
      t,
    );
    this.events.set(e.id, e);
    return e;
  }

  updateEvent(e: EventRec, patch: Partial<EventFields & { archived: boolean }>): void {
    const next = { ...e, ...patch, updatedAt: this.now(), revision: e.revision + 1 };
    this.st.updateEvent.run(
      next.name,
      next.portalId,
      JSON.stringify(next.environments),
      next.startsAt,
      next.endsAt,
      next.activationWindowS,
      next.indexUrl,
      next.archived ? 1 : 0,
      next.updatedAt,
      next.revision,
      e.id,
    );
    Object.assign(e, next);
  }

  deleteEvent(e: EventRec): void {
    this.st.deleteEvent.run(e.id);
    this.events.delete(e.id);
  }

  /** a change that is not stored elsewhere (a run started or ended) still moves the revision, durably */
  touch(e: EventRec): void {
    this.st.revision.run(e.revision + 1, e.id);
    e.revision++;
  }

  /** uniqueness (email, user) is checked by the caller; the UNIQUE constraints are the last line of defence */
  addAttendees(e: EventRec, rows: NewAttendee[]): AttendeeRec[] {
    const t = this.now();
    let seq = 0;
    for (const a of e.attendees.values()) seq = Math.max(seq, a.seq);
    const added: AttendeeRec[] = rows.map((r) => ({
      id: randomUUID(),
      eventId: e.id,
      seq: ++seq,
      ...r,
      addedAt: t,
      current: null,
      sessions: 0,
    }));
    this.tx(
      e,
      () => {
        for (const a of added) {
          this.st.insertAttendee.run(
            a.id,
            e.id,
            a.seq,
            a.email,
            a.email.toLowerCase(),
            a.firstName,
            a.lastName,
            a.user,
            a.user.toLowerCase(),
            a.environment,
            a.source,
            t,
          );
        }
      },
      () => {
        for (const a of added) e.attendees.set(a.id, a);
      },
    );
    return added;
  }

  updateAttendee(e: EventRec, a: AttendeeRec, patch: AttendeePatch): void {
    const n = { ...a, ...patch };
    this.tx(
      e,
      () => {
        this.st.updateAttendee.run(
          n.email,
          n.email.toLowerCase(),
          n.firstName,
          n.lastName,
          n.user,
          n.user.toLowerCase(),
          n.environment,
          a.id,
        );
      },
      () => Object.assign(a, patch),
    );
  }

  removeAttendees(e: EventRec, attendees: AttendeeRec[]): void {
    this.tx(
      e,
      () => {
        for (const a of attendees) this.st.deleteAttendee.run(a.id);
      },
      () => {
        for (const a of attendees) e.attendees.delete(a.id);
      },
    );
  }

  // ---- allocations ------------------------------------------------------------------------------------------

  /** a new current allocation for the attendee (an intent "allocating", or a session found on the portal) */
  insertAllocation(e: EventRec, a: AttendeeRec, fields: Omit<AllocationRec, 'id'>): AllocationRec {
    let rec!: AllocationRec;
    this.tx(
      e,
      () => {
        const r = this.st.insertAllocation.run(a.id, e.id, ...allocationParams({ id: 0, ...fields }));
        rec = { id: Number(r.lastInsertRowid), ...fields, flags: [...fields.flags] };
      },
      () => {
        a.current = rec;
        if (rec.session) a.sessions++;
      },
    );
    return rec;
  }

  /** changes of many attendees' current allocations in one transaction (a reconciliation pass, a run's results) */
  patchAllocations(
    e: EventRec,
    patches: ReadonlyArray<{ a: AttendeeRec; rec: AllocationRec; patch: AllocationPatch }>,
  ): void {
    if (patches.length === 0) return;
    const next = patches.map((p) => ({ ...p, merged: { ...p.rec, ...p.patch } }));
    this.tx(
      e,
      () => {
        for (const p of next) this.st.updateAllocation.run(...allocationParams(p.merged), p.rec.id);
      },
      () => {
        for (const p of next) {
          if (!p.rec.session && p.merged.session) p.a.sessions++;
          Object.assign(p.rec, p.patch);
        }
      },
    );
  }

  /**
   * Drops an allocation row that never led to a session (an interrupted intent, or a refresh that changed nothing)
   * and makes the attendee's previous row current again.
   */
  dropAllocation(e: EventRec, a: AttendeeRec, rec: AllocationRec, previous?: AllocationRec | null): void {
    let restored: AllocationRec | null = previous ?? null;
    this.tx(
      e,
      () => {
        if (previous === undefined) {
          const row = this.st.previousAllocation.get(a.id, rec.id);
          restored = row ? toAllocation(row) : null;
        }
        this.st.deleteAllocation.run(rec.id);
      },
      () => {
        if (a.current === rec) a.current = restored;
      },
    );
  }

  // ---- staged writes (group commit): each resolves once on disk, memory follows the commit -----------------

  stageInsertAllocation(e: EventRec, a: AttendeeRec, fields: Omit<AllocationRec, 'id'>): Promise<AllocationRec> {
    let rec!: AllocationRec;
    this.touched.add(e);
    return this.commits
      .stage(
        () => {
          const r = this.st.insertAllocation.run(a.id, e.id, ...allocationParams({ id: 0, ...fields }));
          rec = { id: Number(r.lastInsertRowid), ...fields, flags: [...fields.flags] };
        },
        () => {
          a.current = rec;
          if (rec.session) a.sessions++;
        },
      )
      .then(() => rec);
  }

  /** the patch may be computed from the row as it is when the batch is written */
  stagePatch(
    e: EventRec,
    a: AttendeeRec,
    rec: AllocationRec,
    patch: AllocationPatch | ((r: AllocationRec) => AllocationPatch),
  ) {
    let applied: AllocationPatch = {};
    this.touched.add(e);
    return this.commits.stage(
      () => {
        applied = typeof patch === 'function' ? patch(rec) : patch;
        this.st.updateAllocation.run(...allocationParams({ ...rec, ...applied }), rec.id);
      },
      () => {
        if (!rec.session && applied.session) a.sessions++;
        Object.assign(rec, applied);
      },
    );
  }

  stageDrop(e: EventRec, a: AttendeeRec, rec: AllocationRec, previous: AllocationRec | null): Promise<void> {
    this.touched.add(e);
    return this.commits.stage(
      () => this.st.deleteAllocation.run(rec.id),
      () => {
        if (a.current === rec) a.current = previous;
      },
    );
  }

  /** every allocation row of the event, oldest first (for the report) */
  history(e: EventRec): Array<AllocationRec & { attendeeId: string }> {
    return this.st.eventAllocations.all(e.id).map((r) => ({ ...toAllocation(r), attendeeId: r.attendee_id }));
  }

  /**
   * `write` and the revision bump in one transaction; then `apply` changes memory, and only then does the revision
   * move there too, so counts cached by revision are never taken from memory that is not yet changed.
   */
  private tx(e: EventRec, write: () => void, apply: () => void): void {
    this.db.transaction(() => {
      write();
      this.st.revision.run(e.revision + 1, e.id);
    })();
    apply();
    e.revision++;
  }
}
