import type { EventSummary, PortalSnapshot, PortalStatus } from '../../../../shared/contract';
import { routeHref } from '../../lib/router';
import { eventPhase, liveCount } from './attendees';

/**
 * The fleet "now": totals across every portal and what needs attention, ordered by urgency. Pure (the time is an
 * argument) so that the overview and presenter mode show the same thing and the rules are unit-tested.
 */

export interface FleetTotals {
  /** owned sessions whose attendee is in the workshop (RUNNING) */
  running: number;
  /** owned sessions not activated yet (STARTING, WAITING): the attendee has not opened the link */
  waiting: number;
  /** sessions started ahead and not claimed by anyone yet (the catalog's `available`) */
  reserved: number;
  /**
   * sessions that can still be handed out: per environment, capacity minus sessions in use (which counts the
   * reserved ones), and per portal no more than its maximum leaves
   */
  free: number;
  /** portals with numbers to count (they answered at least once) */
  counted: number;
  /** enabled portals */
  portals: number;
  /** enabled portals whose last poll succeeded */
  live: number;
}

export type AttentionKind = 'portal' | 'capacity' | 'expiring' | 'activation' | 'failed';

/** urgency: lower first */
const RANK: Record<AttentionKind, number> = { portal: 1, capacity: 2, expiring: 3, activation: 4, failed: 5 };

export type AttentionAction =
  { kind: 'retry'; portalId: string; label: string; href: string } | { kind: 'link'; label: string; href: string };

export interface AttentionItem {
  /** stable across updates (React key, tests) */
  key: string;
  kind: AttentionKind;
  portalId: string;
  title: string;
  detail: string;
  action: AttentionAction;
}

export interface NowInput {
  order: readonly string[];
  snapshots: Readonly<Record<string, PortalSnapshot>>;
  events: readonly EventSummary[];
  thresholdPercent: number;
  expiringMinutes: number;
  nowMs: number;
}

const FAILING: Partial<Record<PortalStatus, string>> = {
  'credentials-rejected': 'refuses the console’s credentials',
  offline: 'is offline',
  stale: 'is not answering',
};

interface PortalCounts {
  running: number;
  waiting: number;
  reserved: number;
  free: number;
}

// a snapshot is immutable and kept while unchanged: its counts (10,000 sessions) are computed once
const countsCache = new WeakMap<PortalSnapshot, PortalCounts>();

function countsOf(snap: PortalSnapshot): PortalCounts {
  const cached = countsCache.get(snap);
  if (cached) return cached;
  const c: PortalCounts = { running: 0, waiting: 0, reserved: 0, free: 0 };
  let roomInEnvironments = 0;
  for (const env of snap.environments) {
    c.reserved += Math.max(0, env.available);
    roomInEnvironments += Math.max(0, env.capacity - env.allocated);
    for (const s of env.sessions) {
      if (!s.user) continue;
      if (s.state === 'RUNNING') c.running++;
      else if (s.state === 'STARTING' || s.state === 'WAITING') c.waiting++;
    }
  }
  const p = snap.portal;
  c.free = p && p.maximum > 0 ? Math.min(roomInEnvironments, Math.max(0, p.maximum - p.allocated)) : roomInEnvironments;
  countsCache.set(snap, c);
  return c;
}

// parsing 10,000 expiry times is the costly part: kept apart from the totals, which the first frame needs
const expiriesCache = new WeakMap<PortalSnapshot, { environment: string; at: number }[]>();

/** RUNNING owned sessions' expiry (portal clock ms) with their environment */
function expiriesOf(snap: PortalSnapshot): { environment: string; at: number }[] {
  const cached = expiriesCache.get(snap);
  if (cached) return cached;
  const out: { environment: string; at: number }[] = [];
  for (const env of snap.environments) {
    for (const s of env.sessions) {
      if (!s.user || s.state !== 'RUNNING' || !s.expires) continue;
      const at = Date.parse(s.expires);
      if (Number.isFinite(at)) out.push({ environment: env.name, at });
    }
  }
  expiriesCache.set(snap, out);
  return out;
}

export function fleetTotals(input: Pick<NowInput, 'order' | 'snapshots'>): FleetTotals {
  const t: FleetTotals = { running: 0, waiting: 0, reserved: 0, free: 0, counted: 0, portals: 0, live: 0 };
  for (const id of input.order) {
    const snap = input.snapshots[id];
    if (!snap || snap.status === 'disabled') continue;
    t.portals++;
    if (snap.status === 'live') t.live++;
    if (!snap.portal) continue;
    t.counted++;
    const c = countsOf(snap);
    t.running += c.running;
    t.waiting += c.waiting;
    t.reserved += c.reserved;
    t.free += c.free;
  }
  return t;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function portalItems(snap: PortalSnapshot): AttentionItem[] {
  const failing = FAILING[snap.status] ?? (snap.status === 'connecting' && snap.lastError ? 'cannot be reached' : null);
  if (!failing) return [];
  return [
    {
      key: `portal:${snap.portalId}`,
      kind: 'portal',
      portalId: snap.portalId,
      title: `${snap.label} ${failing}`,
      detail: snap.lastError ?? 'The portal did not answer.',
      action: { kind: 'retry', portalId: snap.portalId, label: 'Retry now', href: '#/portals' },
    },
  ];
}

function capacityItems(snap: PortalSnapshot, thresholdPercent: number): AttentionItem[] {
  const out: AttentionItem[] = [];
  const p = snap.portal;
  if (p && p.maximum > 0 && (p.allocated / p.maximum) * 100 >= thresholdPercent) {
    out.push({
      key: `capacity:${snap.portalId}:*`,
      kind: 'capacity',
      portalId: snap.portalId,
      title: `${snap.label} is at ${Math.round((p.allocated / p.maximum) * 100)}% of its maximum`,
      detail: `${p.allocated} of ${p.maximum} sessions in use across the portal`,
      action: {
        kind: 'link',
        label: 'Open sessions',
        href: routeHref({ name: 'environment', portalId: snap.portalId, environment: '*' }),
      },
    });
  }
  for (const env of snap.environments) {
    if (env.capacity <= 0) continue;
    const percent = (env.allocated / env.capacity) * 100;
    if (percent < thresholdPercent) continue;
    out.push({
      key: `capacity:${snap.portalId}:${env.name}`,
      kind: 'capacity',
      portalId: snap.portalId,
      title: `${env.workshop.title || env.name} on ${snap.label} is at ${Math.round(percent)}% of capacity`,
      detail: `${env.allocated} of ${env.capacity} in use, ${env.available} reserved (${env.name})`,
      action: {
        kind: 'link',
        label: 'Open sessions',
        href: routeHref({ name: 'environment', portalId: snap.portalId, environment: env.name }),
      },
    });
  }
  return out;
}

function expiringItems(snap: PortalSnapshot, windowMs: number, nowMs: number): AttentionItem[] {
  const portalNow = nowMs + snap.clockOffsetMs;
  const byEnv = new Map<string, { count: number; first: number }>();
  for (const x of expiriesOf(snap)) {
    const left = x.at - portalNow;
    if (left <= 0 || left > windowMs) continue;
    const e = byEnv.get(x.environment) ?? { count: 0, first: left };
    e.count++;
    e.first = Math.min(e.first, left);
    byEnv.set(x.environment, e);
  }
  const out: AttentionItem[] = [];
  for (const env of snap.environments) {
    const e = byEnv.get(env.name);
    if (!e) continue;
    out.push({
      key: `expiring:${snap.portalId}:${env.name}`,
      kind: 'expiring',
      portalId: snap.portalId,
      title:
        `${plural(e.count, 'session')} of ${env.workshop.title || env.name} on ${snap.label} ` +
        `${e.count === 1 ? 'ends' : 'end'} soon`,
      detail:
        `the first in ${Math.max(1, Math.round(e.first / 60_000))} min; ` +
        `extend ${e.count === 1 ? 'it' : 'them'} from the session table`,
      action: {
        kind: 'link',
        label: 'Open sessions',
        href: routeHref({ name: 'environment', portalId: snap.portalId, environment: env.name }),
      },
    });
  }
  return out;
}

function eventItems(e: EventSummary, nowMs: number): AttentionItem[] {
  const phase = eventPhase(e, nowMs);
  if (phase === 'archived' || (phase === 'upcoming' && liveCount(e.counts) === 0)) return [];
  const href = routeHref({ name: 'event', eventId: e.id, tab: 'attendees' });
  const out: AttentionItem[] = [];
  // the summary carries counts, not each deadline: every link not opened yet has its deadline running
  if (e.counts.waiting > 0 && e.activationWindowS > 0) {
    out.push({
      key: `activation:${e.id}`,
      kind: 'activation',
      portalId: e.portalId,
      title:
        `${plural(e.counts.waiting, 'attendee')} of ${e.name} ` +
        `${e.counts.waiting === 1 ? 'has' : 'have'} not opened the link`,
      detail: 'their activation deadline is running; after it the portal deletes the session',
      action: { kind: 'link', label: 'Open attendees', href },
    });
  }
  if (e.counts.failed > 0) {
    out.push({
      key: `failed:${e.id}`,
      kind: 'failed',
      portalId: e.portalId,
      title: `${plural(e.counts.failed, 'allocation')} failed for ${e.name}`,
      detail: 'the portal refused the request; retry the failed attendees',
      action: { kind: 'link', label: 'Open attendees', href },
    });
  }
  return out;
}

/** What needs attention now, most urgent first; within one urgency, in the fleet's portal order. */
export function needsAttention(input: NowInput): AttentionItem[] {
  const position = new Map(input.order.map((id, i) => [id, i]));
  const items: AttentionItem[] = [];
  const windowMs = input.expiringMinutes * 60_000;
  for (const id of input.order) {
    const snap = input.snapshots[id];
    if (!snap || snap.status === 'disabled') continue;
    items.push(...portalItems(snap), ...capacityItems(snap, input.thresholdPercent));
    items.push(...expiringItems(snap, windowMs, input.nowMs));
  }
  for (const e of input.events) items.push(...eventItems(e, input.nowMs));
  const at = (i: AttentionItem) => position.get(i.portalId) ?? Number.MAX_SAFE_INTEGER;
  // a stable sort keeps environments in the portal's order within one portal
  return items.sort((a, b) => RANK[a.kind] - RANK[b.kind] || at(a) - at(b));
}
