import type { CapacityPoint } from '../../../shared/contract';
import type { Catalog } from '../portal-schemas';
import { HISTORY_LIMIT } from './capacity-history';

export interface HistoryOptions {
  /** points kept; older ones are thinned out, never the latest (default HISTORY_LIMIT, as on disk) */
  limit?: number;
  /** a point is added when something changed, or at least this often (default 1 min) */
  heartbeatMs?: number;
}

/**
 * One portal's capacity over this run, in memory, as the monitor records it: a point whenever a value changed and at
 * least once a minute otherwise. Beyond the limit the older half is thinned to every other point, so the whole event
 * stays visible and the recent past keeps full detail. capacity-history.ts copies these points to console.db.
 */
export class MemoryHistory {
  private points: CapacityPoint[] = [];
  private lastKey = '';
  private readonly limit: number;
  private readonly heartbeatMs: number;

  constructor(options: HistoryOptions = {}) {
    this.limit = options.limit ?? HISTORY_LIMIT;
    this.heartbeatMs = options.heartbeatMs ?? 60_000;
  }

  since(sinceMs?: number): CapacityPoint[] {
    return sinceMs === undefined ? [...this.points] : this.points.filter((p) => p.t >= sinceMs);
  }

  /** the catalog at `t`; unchanged values are only recorded as a heartbeat, which keeps a long event within bound */
  record(catalog: Catalog, t: number): void {
    const environments: CapacityPoint['environments'] = {};
    for (const e of catalog.environments) {
      environments[e.name] = { allocated: e.allocated, available: e.available, capacity: e.capacity };
    }
    const point: CapacityPoint = { t, portalAllocated: catalog.portal.sessions.allocated, environments };
    const key = JSON.stringify([point.portalAllocated, environments]);
    const last = this.points[this.points.length - 1];
    if (last && key === this.lastKey && t - last.t < this.heartbeatMs) return;
    this.lastKey = key;
    this.append(point);
  }

  /** only time passed: the last values again, once a heartbeat is due */
  heartbeat(t: number): void {
    const last = this.points[this.points.length - 1];
    if (last && t - last.t >= this.heartbeatMs) this.append({ ...last, t });
  }

  private append(point: CapacityPoint): void {
    this.points.push(point);
    if (this.points.length > this.limit) {
      const half = Math.floor(this.points.length / 2);
      const older = this.points.slice(0, half).filter((_, i) => i % 2 === 0);
      this.points = older.concat(this.points.slice(half));
    }
  }
}
