import { z } from 'zod';
import type { CapacityPoint } from '../../../shared/contract';
import type { Db } from '../console-db';

/** what the monitor keeps per portal, and what is kept on disk: the same bound, the same thinning */
export const HISTORY_LIMIT = 5000;

const environmentsSchema = z.record(
  z.string(),
  z.object({ allocated: z.number(), available: z.number(), capacity: z.number() }),
);

/** where the points of this run come from: the monitor's in-memory history */
export interface HistorySource {
  history(portalId: string, sinceMs?: number): CapacityPoint[];
}

/**
 * The capacity history in console.db, so that a restart keeps the chart of the event so far. The monitor records
 * points in memory (on change, and a heartbeat at least once a minute); they are copied here after each snapshot
 * it pushes and once a minute. On disk each portal keeps at most HISTORY_LIMIT points: beyond that the older half
 * is thinned to every other point, as the monitor does in memory, so a long event stays visible and the recent past
 * keeps full detail.
 */
export class CapacityHistory {
  private readonly last = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private readonly st;

  constructor(
    private readonly db: Db,
    private readonly source: HistorySource,
    private readonly limit = HISTORY_LIMIT,
  ) {
    this.st = {
      insert: db.prepare(
        'INSERT INTO capacity_points (portal_id, t, portal_allocated, environments) VALUES (?, ?, ?, ?)',
      ),
      read: db.prepare<[string, number], { t: number; portal_allocated: number; environments: string }>(
        'SELECT t, portal_allocated, environments FROM capacity_points WHERE portal_id = ? AND t >= ? ORDER BY t, id',
      ),
      olderHalf: db.prepare<[string, number], { id: number }>(
        'SELECT id FROM capacity_points WHERE portal_id = ? ORDER BY t, id LIMIT ?',
      ),
      delete: db.prepare('DELETE FROM capacity_points WHERE id = ?'),
      forget: db.prepare('DELETE FROM capacity_points WHERE portal_id = ?'),
    };
    const known = db
      .prepare<[], { portal_id: string; last: number; n: number }>(
        'SELECT portal_id, max(t) AS last, count(*) AS n FROM capacity_points GROUP BY portal_id',
      )
      .all();
    for (const k of known) {
      this.last.set(k.portal_id, k.last);
      this.counts.set(k.portal_id, k.n);
    }
  }

  /** copies the monitor's points newer than the last one stored; safe to call often (one small transaction) */
  sync(portalId: string): void {
    const after = this.last.get(portalId) ?? -Infinity;
    const fresh = this.source.history(portalId, after + 1).filter((p) => p.t > after);
    if (fresh.length === 0) return;
    this.db.transaction(() => {
      for (const p of fresh) this.st.insert.run(portalId, p.t, p.portalAllocated, JSON.stringify(p.environments));
      const n = (this.counts.get(portalId) ?? 0) + fresh.length;
      this.counts.set(portalId, n > this.limit ? n - this.thin(portalId, n) : n);
    })();
    this.last.set(portalId, (fresh[fresh.length - 1] as CapacityPoint).t);
  }

  syncAll(portalIds: Iterable<string>): void {
    for (const id of portalIds) this.sync(id);
  }

  /** the stored points since `sinceMs` and the ones of this run not stored yet */
  read(portalId: string, sinceMs = -Infinity): CapacityPoint[] {
    const stored: CapacityPoint[] = [];
    for (const r of this.st.read.iterate(portalId, Number.isFinite(sinceMs) ? sinceMs : -8.64e15)) {
      const environments = environmentsSchema.safeParse(safeJson(r.environments));
      stored.push({
        t: r.t,
        portalAllocated: r.portal_allocated,
        environments: environments.success ? environments.data : {},
      });
    }
    const after = this.last.get(portalId) ?? -Infinity;
    const tail = this.source.history(portalId, Math.max(sinceMs, after + 1)).filter((p) => p.t > after);
    return stored.concat(tail);
  }

  /** a removed portal's history goes with it */
  forget(portalId: string): void {
    this.st.forget.run(portalId);
    this.last.delete(portalId);
    this.counts.delete(portalId);
  }

  /** deletes every other point of the older half; returns how many went */
  private thin(portalId: string, n: number): number {
    const older = this.st.olderHalf.all(portalId, Math.floor(n / 2));
    let removed = 0;
    for (const [i, r] of older.entries()) {
      if (i % 2 === 1) {
        this.st.delete.run(r.id);
        removed++;
      }
    }
    return removed;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
