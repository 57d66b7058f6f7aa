import type { EnvironmentView, PortalSnapshot, SessionState, SessionView } from '../../../../shared/contract';
import { remainingMs } from '../../lib/countdown';

/** One table row: a session with what the table needs to show and sort it. */
export interface SessionRow extends SessionView {
  environment: string;
  workshop: string;
  clockOffsetMs: number;
}

export type SortKey = 'name' | 'user' | 'state' | 'started' | 'countdown' | 'environment';
export interface SortSpec {
  key: SortKey;
  desc: boolean;
}

export const ALL_ENVIRONMENTS = '*';

/** each environment's rows, kept while the store keeps the environment (it does while its revision stands) */
const rowsOf = new WeakMap<EnvironmentView, { clockOffsetMs: number; rows: SessionRow[] }>();

function environmentRows(env: EnvironmentView, clockOffsetMs: number): SessionRow[] {
  const held = rowsOf.get(env);
  if (held && held.clockOffsetMs === clockOffsetMs) return held.rows;
  const workshop = env.workshop.title || env.workshop.name;
  const rows = env.sessions.map((s) => ({ ...s, environment: env.name, workshop, clockOffsetMs }));
  rowsOf.set(env, { clockOffsetMs, rows });
  return rows;
}

/**
 * Rows of one environment, or of every environment of the portal with `*`. The rows of an environment that did not
 * change are the very objects made before, so a memoized row does not render again.
 */
export function sessionRows(snapshot: PortalSnapshot | undefined, environment: string): SessionRow[] {
  if (!snapshot) return [];
  if (environment !== ALL_ENVIRONMENTS) {
    const env = snapshot.environments.find((e) => e.name === environment);
    return env ? environmentRows(env, snapshot.clockOffsetMs) : [];
  }
  return snapshot.environments.flatMap((env) => environmentRows(env, snapshot.clockOffsetMs));
}

/**
 * Case-insensitive match of every word of the query against name, user, state or environment, and the owner's
 * name and email where `ownerText` knows them (so "lovelace" finds the session of `ada-example-org`).
 */
export function filterSessions(
  rows: readonly SessionRow[],
  query: string,
  states: readonly SessionState[] = [],
  ownerText: (user: string) => string = () => '',
): SessionRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const stateSet = new Set(states);
  return rows.filter((r) => {
    if (stateSet.size && !stateSet.has(r.state)) return false;
    if (!words.length) return true;
    const hay = `${r.name} ${r.user} ${r.state} ${r.environment} ${ownerText(r.user)}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

function timeValue(iso: string | null): number {
  if (!iso) return Number.POSITIVE_INFINITY;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Choosing a column header: a new column sorts ascending, the sorted column turns its direction. */
export function nextSort(current: SortSpec | null, key: SortKey): SortSpec {
  return { key, desc: current?.key === key ? !current.desc : false };
}

/**
 * Stable sort; sessions without expiry sort after every countdown. The countdown sorts by local time left,
 * so portals with different clock offsets compare correctly.
 */
export function sortSessions(rows: readonly SessionRow[], sort: SortSpec | null, nowMs = 0): SessionRow[] {
  if (!sort) return rows.slice();
  const dir = sort.desc ? -1 : 1;
  const key = (r: SessionRow): number | string => {
    switch (sort.key) {
      case 'countdown':
        return remainingMs(r.expires, r.clockOffsetMs, nowMs) ?? Number.POSITIVE_INFINITY;
      case 'started':
        return timeValue(r.started);
      default:
        return r[sort.key].toLowerCase();
    }
  };
  const keyed = rows.map((r, i) => ({ r, i, k: key(r) }));
  keyed.sort((a, b) => {
    if (a.k === b.k) return a.i - b.i;
    // no-expiry / unknown stays last whichever the direction
    if (a.k === Number.POSITIVE_INFINITY) return 1;
    if (b.k === Number.POSITIVE_INFINITY) return -1;
    return (a.k < b.k ? -1 : 1) * dir;
  });
  return keyed.map((x) => x.r);
}

/** Groups selected session names by environment: bulk actions are prepared per environment. */
export function groupByEnvironment(rows: readonly SessionRow[], selected: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rows) {
    if (!selected.has(r.name)) continue;
    const list = out.get(r.environment) ?? [];
    list.push(r.name);
    out.set(r.environment, list);
  }
  return out;
}
