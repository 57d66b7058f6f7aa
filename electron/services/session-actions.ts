import { randomBytes } from 'node:crypto';
import {
  ConsoleError,
  FIXED_ACTIVATION_S,
  portalAbilities,
  type Allocation,
  type DirectoryEntry,
  type Person,
  type PersonAttendee,
  type PersonLookup,
  type Schedule,
  type SessionRequest,
} from '../../shared/contract';
import type { Monitor } from './monitor';
import type { PortalEntry, PortalRegistry } from './portal-registry';
import { isUserId, userIdFromEmail } from './user-id';
import { runPool } from './worker-pool';

/** at most this many user ids are looked up on every portal for one search */
const MAX_USERS_PER_SEARCH = 10;

/** the console's own records of people (event attendees), for people.find */
export interface PeopleDirectory {
  find(query: string): PersonAttendee[];
  /** people of New session matching the query (name parts, email, user id) */
  people?(query: string): DirectoryEntry[];
}

/** the portal's own default activation timeout when a request names none (Learning Center: always this) */
const DEFAULT_ACTIVATION_S = FIXED_ACTIVATION_S;

export interface BulkPlan {
  portalId: string;
  environment: string;
  action: 'extend' | 'terminate';
  sessions: string[];
  expiresAt: number;
}

/** Session requests, look-ups and bulk actions on portals, in facilitator terms. */
export class SessionActions {
  private readonly bulk = new Map<string, BulkPlan>();

  constructor(
    private readonly registry: PortalRegistry,
    private readonly monitor: Monitor,
    private readonly now: () => number,
    private readonly bulkTtlMs: number,
  ) {}

  async request(input: SessionRequest, signal?: AbortSignal): Promise<Allocation> {
    const portal = this.registry.get(input.portalId);
    const user = resolveUser(input.user, input.email);
    // Learning Center has no such parameter: every link it hands out dies after 60 s, whatever was asked. A portal
    // not polled yet is asked first, so that the deadline reported is the one the link really has.
    const dialect = this.monitor.dialect(portal.id) ?? (await this.monitor.detectDialect(portal.id));
    const fixed = dialect === 'learningcenter';
    const timeout = fixed ? undefined : input.timeout;
    const startedAt = this.now();
    if (signal?.aborted) throw new ConsoleError('cancelled', 'cancelled');
    let res;
    try {
      res = await portal.client.requestSession({
        environment: input.environment,
        user,
        indexUrl: input.indexUrl ?? portal.defaultIndexUrl,
        email: input.email,
        firstName: input.firstName,
        lastName: input.lastName,
        timeout,
      });
    } catch (err) {
      if (err instanceof ConsoleError && err.code === 'no-capacity')
        throw await this.diagnoseNoSession(portal, input.environment, user);
      throw err;
    }
    const seconds = timeout ?? DEFAULT_ACTIVATION_S;
    return {
      portalId: portal.id,
      session: res.name,
      user: res.user || user,
      environment: res.environment || input.environment,
      workshop: res.workshop,
      activationUrl: portal.client.activationUrl(res.url),
      activateBy: seconds === 0 ? null : startedAt + seconds * 1000,
    };
  }

  /**
   * The portal answers 503 "No session available" both when the environment is full and when the user is at
   * the per-user cap. Tell them apart from the user's existing sessions and the portal's caps and capacity.
   */
  private async diagnoseNoSession(portal: PortalEntry, environment: string, user: string): Promise<ConsoleError> {
    const [catalog, mine] = await Promise.allSettled([portal.client.catalog(), portal.client.userSessions(user)]);
    if (catalog.status !== 'fulfilled') return new ConsoleError('no-capacity', `no capacity left in ${environment}`);
    const cat = catalog.value.data;
    const env = cat.environments.find((e) => e.name === environment);
    if (!env) return new ConsoleError('unknown-workshop', `no workshop environment ${environment} on ${portal.label}`);
    const title = env.workshop.title || env.workshop.name || env.name;
    if (env.state !== 'RUNNING') {
      return new ConsoleError(
        'no-capacity',
        `no capacity left in ${title}: the environment is ${env.state.toLowerCase()} and takes no new sessions`,
      );
    }
    // Users created over REST are in the portal's "anonymous" group, whose cap is `anonymous` (it defaults to
    // `registered`); a user created some other way is capped by `registered`.
    const caps = cat.portal.sessions;
    const cap = caps.anonymous > 0 ? caps.anonymous : caps.registered;
    if (mine.status === 'fulfilled' && cap > 0 && mine.value.sessions.length >= cap) {
      return new ConsoleError(
        'user-cap',
        `this user already has the maximum number of sessions (${cap} on ${portal.label})`,
      );
    }
    if (caps.maximum > 0 && caps.allocated >= caps.maximum) {
      return new ConsoleError(
        'no-capacity',
        `no capacity left in ${title}: ${portal.label} has all ${caps.maximum} of its sessions allocated`,
      );
    }
    return new ConsoleError(
      'no-capacity',
      `no capacity left in ${title} (${env.allocated} of ${env.capacity} allocated)`,
    );
  }

  async extend(portalId: string, session: string): Promise<Schedule> {
    const portal = this.registry.get(portalId);
    this.refuseWhereAbsent(portalId, 'extend');
    const r = await portal.client.extend(session);
    this.refresh(portalId);
    return {
      session,
      status: r.status,
      started: r.started,
      expires: r.expires,
      extended: r.extended,
      extendable: r.extendable,
    };
  }

  async terminate(portalId: string, session: string): Promise<{ session: string; expires: string | null }> {
    const portal = this.registry.get(portalId);
    this.refuseWhereAbsent(portalId, 'terminate');
    let r;
    try {
      r = await portal.client.terminate(session);
    } catch (err) {
      // A portal whose dialect is not known yet answers a missing route with 404 too: find out which it was.
      if (
        err instanceof ConsoleError &&
        err.code === 'not-found' &&
        (await this.monitor.detectDialect(portalId)) === 'learningcenter'
      ) {
        this.refuseWhereAbsent(portalId, 'terminate');
      }
      throw err;
    }
    this.refresh(portalId);
    return { session, expires: r.expires };
  }

  /**
   * Learning Center has no terminate endpoint and lets only a session's owner or staff extend it: refused here, with
   * the reason, rather than sent and answered with a "not found" or "not permitted" that explains nothing.
   */
  private refuseWhereAbsent(portalId: string, action: 'extend' | 'terminate'): void {
    const why = portalAbilities(this.monitor.dialect(portalId))[action];
    if (why) throw new ConsoleError('not-supported', why);
  }

  /**
   * A person's sessions on every enabled portal; a portal that fails is listed, the others still answer. The query
   * is a user id, an email (its slug is the user id the console gives), or words of a name or email found in the
   * console's event records, whose user ids are then looked up too (an attendee may carry their own user id).
   */
  async findPerson(query: string, directory?: PeopleDirectory): Promise<PersonLookup> {
    const attendees = directory?.find(query) ?? [];
    const others = directory?.people?.(query) ?? [];
    const derived = isUserId(query) ? query : userIdFromEmail(query);
    const users = [
      ...new Set([derived, ...attendees.map((a) => a.user), ...others.map((p) => p.user)].filter(Boolean)),
    ];
    users.splice(MAX_USERS_PER_SEARCH);
    const people = new Map<string, Person>();
    for (const p of others) people.set(p.user, { email: p.email, firstName: p.firstName, lastName: p.lastName });
    for (const a of attendees) {
      if (!people.has(a.user)) people.set(a.user, { email: a.email, firstName: a.firstName, lastName: a.lastName });
    }
    const result: PersonLookup = { query, sessions: [], attendees, failures: [] };
    if (users.length === 0) return result;
    const portals = this.registry.list().filter((p) => p.enabled);
    await Promise.all(
      portals.map(async (p) => {
        try {
          const found = (await Promise.all(users.map((u) => p.client.userSessions(u)))).flatMap((r, i) =>
            r.sessions.map((s) => ({ ...s, user: users[i] as string })),
          );
          const latest = this.monitor.latest(p.id);
          for (const s of found) {
            const env = latest?.catalog?.environments.find((e) => e.name === s.environment);
            const known = env?.sessions.find((x) => x.name === s.name);
            result.sessions.push({
              portalId: p.id,
              portalLabel: p.label,
              name: s.name,
              user: s.user,
              person: people.get(s.user) ?? null,
              workshop: s.workshop,
              environment: s.environment,
              state: known?.state ?? 'UNKNOWN',
              started: s.started,
              expires: s.expires,
              extendable: s.extendable,
              clockOffsetMs: latest?.clockOffsetMs ?? 0,
            });
          }
        } catch (err) {
          result.failures.push({
            portalId: p.id,
            portalLabel: p.label,
            message: err instanceof ConsoleError ? err.message : 'the portal could not be asked',
          });
        }
      }),
    );
    return result;
  }

  /** step one of a bulk action: reads the environment's allocated sessions fresh and names them */
  async bulkPrepare(portalId: string, environment: string, action: 'extend' | 'terminate', selection?: string[]) {
    const portal = this.registry.get(portalId);
    this.refuseWhereAbsent(portalId, action);
    const cat = (await portal.client.catalog()).data;
    const env = cat.environments.find((e) => e.name === environment);
    if (!env) throw new ConsoleError('unknown-workshop', `no workshop environment ${environment} on ${portal.label}`);
    // Only sessions someone owns: reserved sessions have no user and cannot be extended or handed out anyway.
    const allocated = env.sessions.filter((s) => s.user && s.state !== 'STOPPING').map((s) => s.name);
    let sessions = allocated;
    if (selection) {
      const unknown = selection.filter((s) => !allocated.includes(s));
      if (unknown.length) {
        throw new ConsoleError(
          'invalid-input',
          `not allocated in ${environment}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? '…' : ''}`,
        );
      }
      sessions = [...new Set(selection)];
    }
    this.expireBulk();
    const confirmToken = randomBytes(18).toString('base64url');
    const plan: BulkPlan = { portalId, environment, action, sessions, expiresAt: this.now() + this.bulkTtlMs };
    this.bulk.set(confirmToken, plan);
    return { confirmToken, action, sessions, expiresAt: plan.expiresAt };
  }

  /** step two: the token is single-use and short-lived, so a stale or replayed confirmation does nothing */
  async bulkExecute(confirmToken: string, concurrency = 4) {
    const plan = this.bulk.get(confirmToken);
    this.bulk.delete(confirmToken);
    if (!plan || plan.expiresAt < this.now()) {
      throw new ConsoleError('conflict', 'this confirmation has expired or was already used; prepare the action again');
    }
    const portal = this.registry.get(plan.portalId);
    this.refuseWhereAbsent(plan.portalId, plan.action);
    const results = new Array<{ session: string; ok: boolean; message: string }>(plan.sessions.length);
    await runPool(plan.sessions, concurrency, async (session, i) => {
      try {
        if (plan.action === 'extend') {
          const r = await portal.client.extend(session);
          results[i] = {
            session,
            ok: r.extended,
            message: r.extended ? `extended until ${r.expires ?? 'no expiry'}` : 'not extendable now',
          };
        } else {
          await portal.client.terminate(session);
          results[i] = { session, ok: true, message: 'ended' };
        }
      } catch (err) {
        results[i] = { session, ok: false, message: err instanceof ConsoleError ? err.message : 'unexpected error' };
      }
    });
    this.refresh(plan.portalId);
    return { action: plan.action, results };
  }

  private expireBulk(): void {
    const t = this.now();
    for (const [k, v] of this.bulk) if (v.expiresAt < t) this.bulk.delete(k);
  }

  /** after an action, read the portal again so the dashboards show the change without waiting for the next poll */
  private refresh(portalId: string): void {
    void this.monitor.pollNow(portalId).catch(() => undefined);
  }
}

/** the portal user id: the one given, else a slug of the email (see user-id.ts for why) */
export function resolveUser(user: string | undefined, email: string | undefined): string {
  if (user) {
    if (!isUserId(user))
      throw new ConsoleError('invalid-input', 'a user id may only hold letters, digits, "-" or "_" (at most 150)');
    return user;
  }
  const derived = email ? userIdFromEmail(email) : '';
  if (!derived) throw new ConsoleError('invalid-input', 'a user id or an email is needed');
  return derived;
}
