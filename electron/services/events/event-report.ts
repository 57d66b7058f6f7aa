import Papa from 'papaparse';
import type { EventReport } from '../../../shared/contract';
import { FORMULA_START } from '../roster';
import { statusOf, type AllocationRec, type EventRec } from './event-model';

const MAX_POINTS = 1000;

type HistoryRow = AllocationRec & { attendeeId: string };

/** Per attendee and in total: who was allocated, who showed up, for how long; and the sessions over time. */
export function buildReport(e: EventRec, history: HistoryRow[], capacity: number | null, now: number): EventReport {
  const activatedIds = new Set<string>();
  const steps: Array<[number, number, number]> = [];
  for (const r of history) {
    if (r.session === null || r.allocatedAt === null || r.status === 'failed' || r.status === 'allocating') continue;
    // a live session has no end yet: it counts up to the last point, `now`
    const live = r.status === 'waiting' || r.status === 'running';
    const end = live ? null : (r.endedAt ?? r.allocatedAt);
    steps.push([r.allocatedAt, 1, 0]);
    if (end !== null) steps.push([Math.max(r.allocatedAt, end), -1, 0]);
    if (r.firstRunningAt !== null) {
      activatedIds.add(r.attendeeId);
      steps.push([r.firstRunningAt, 0, 1]);
      if (end !== null) steps.push([Math.max(r.firstRunningAt, end), 0, -1]);
    }
  }
  // at one instant, ends before starts: a reissue at the moment the old session ended is not two at once
  steps.sort((x, y) => x[0] - y[0] || x[1] + x[2] - (y[1] + y[2]));
  const series: EventReport['series'] = [];
  let allocated = 0;
  let running = 0;
  let peakAllocated = 0;
  let peakRunning = 0;
  for (const [t, da, dr] of steps) {
    allocated += da;
    running += dr;
    peakAllocated = Math.max(peakAllocated, allocated);
    peakRunning = Math.max(peakRunning, running);
    const last = series[series.length - 1];
    if (last && last.t === t) Object.assign(last, { allocated, running });
    else series.push({ t, allocated, running });
  }
  const last = series[series.length - 1];
  if (last && last.t < now) series.push({ t: now, allocated, running });
  const counted = { allocated: 0, ended: 0, expired: 0, failed: 0 };
  const attendees: EventReport['attendees'] = [];
  for (const a of e.attendees.values()) {
    const c = a.current;
    const status = statusOf(a);
    if (a.sessions > 0) counted.allocated++;
    if (status === 'ended') counted.ended++;
    if (status === 'expired') counted.expired++;
    if (status === 'failed') counted.failed++;
    attendees.push({
      attendeeId: a.id,
      email: a.email,
      firstName: a.firstName,
      lastName: a.lastName,
      user: a.user,
      environment: a.environment,
      status,
      session: c?.session ?? null,
      allocatedAt: c?.allocatedAt ?? null,
      firstRunningAt: c?.firstRunningAt ?? null,
      endedAt: c?.endedAt ?? null,
      extensions: c?.extensions ?? 0,
      sessions: a.sessions,
    });
  }
  const activated = [...activatedIds].filter((id) => e.attendees.has(id)).length;
  return {
    eventId: e.id,
    generatedAt: now,
    attendees,
    totals: {
      attendees: e.attendees.size,
      allocated: counted.allocated,
      activated,
      showUpRate: counted.allocated > 0 ? activated / counted.allocated : 0,
      peakRunning,
      peakAllocated,
      capacity,
      capacityUsed: capacity ? peakAllocated / capacity : null,
      ended: counted.ended,
      expiredUnactivated: counted.expired,
      failed: counted.failed,
    },
    series: thin(series),
  };
}

/** at most MAX_POINTS: each bucket keeps its highest values, so peaks stay visible */
function thin(series: EventReport['series']): EventReport['series'] {
  if (series.length <= MAX_POINTS) return series;
  const size = Math.ceil(series.length / MAX_POINTS);
  const out: EventReport['series'] = [];
  for (let i = 0; i < series.length; i += size) {
    const bucket = series.slice(i, i + size);
    out.push({
      t: (bucket[0] as { t: number }).t,
      allocated: Math.max(...bucket.map((p) => p.allocated)),
      running: Math.max(...bucket.map((p) => p.running)),
    });
  }
  return out;
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

function csv(fields: string[], data: Array<Array<string | number>>): string {
  // formula injection: see FORMULA_START in roster.ts
  return Papa.unparse({ fields, data }, { escapeFormulae: FORMULA_START, newline: '\r\n' });
}

/** the handout list: one row per attendee with their link (the file carries activation tokens) */
export function linksCsv(e: EventRec): string {
  return csv(
    ['email', 'first_name', 'last_name', 'user', 'environment', 'session', 'activation_url', 'status', 'activate_by'],
    [...e.attendees.values()].map((a) => {
      const c = a.current;
      const status = statusOf(a);
      return [
        a.email,
        a.firstName,
        a.lastName,
        a.user,
        a.environment,
        c?.session ?? '',
        c?.activationUrl ?? '',
        status,
        iso(status === 'waiting' ? (c?.activateBy ?? null) : null),
      ];
    }),
  );
}

export function reportCsv(r: EventReport): string {
  return csv(
    [
      'email',
      'first_name',
      'last_name',
      'user',
      'environment',
      'status',
      'session',
      'allocated_at',
      'first_running_at',
      'ended_at',
      'extensions',
      'sessions',
    ],
    r.attendees.map((a) => [
      a.email,
      a.firstName,
      a.lastName,
      a.user,
      a.environment,
      a.status,
      a.session ?? '',
      iso(a.allocatedAt),
      iso(a.firstRunningAt),
      iso(a.endedAt),
      a.extensions,
      a.sessions,
    ]),
  );
}
