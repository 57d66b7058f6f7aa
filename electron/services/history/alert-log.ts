import type { Alert } from '../../../shared/contract';
import { alertSchema } from '../../../shared/contract';
import type { Db } from '../console-db';

/** alerts kept on disk; older ones go (the log is for the event at hand, not an archive) */
export const ALERTS_KEPT = 1000;

interface AlertRow {
  id: number;
  kind: string;
  portal_id: string;
  environment: string | null;
  session: string | null;
  message: string;
  raised_at: number;
}

/**
 * The alert log in console.db: every alert the monitor raises is written before it is pushed, and read back at
 * start (`alerts.list`). An alert's id becomes its row's (`alert-<n>`): the monitor numbers alerts per run, so its
 * ids would repeat after a restart, and the renderer drops an alert whose id it has already seen.
 */
export class AlertLog {
  private readonly st;
  private writes = 0;

  constructor(
    db: Db,
    private readonly kept = ALERTS_KEPT,
  ) {
    this.st = {
      insert: db.prepare(
        'INSERT INTO alerts (kind, portal_id, environment, session, message, raised_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      recent: db.prepare<[number, number], AlertRow>(
        'SELECT * FROM (SELECT * FROM alerts WHERE raised_at >= ? ORDER BY id DESC LIMIT ?) ORDER BY id',
      ),
      trim: db.prepare('DELETE FROM alerts WHERE id <= (SELECT max(id) FROM alerts) - ?'),
    };
  }

  /** stores the alert and returns it with its lasting id; a write that fails leaves the alert as raised */
  record(alert: Alert): Alert {
    try {
      const r = this.st.insert.run(
        alert.kind,
        alert.portalId,
        alert.environment,
        alert.session,
        alert.message,
        alert.raisedAt,
      );
      // trimmed now and then, not on every alert
      if (++this.writes % 100 === 0) this.st.trim.run(this.kept);
      return { ...alert, id: `alert-${Number(r.lastInsertRowid)}` };
    } catch {
      return alert;
    }
  }

  /** the latest `limit` alerts raised since `sinceMs`, oldest first */
  list(limit: number, sinceMs = 0): Alert[] {
    const out: Alert[] = [];
    for (const r of this.st.recent.iterate(sinceMs, limit)) {
      const parsed = alertSchema.safeParse({
        id: `alert-${r.id}`,
        kind: r.kind,
        portalId: r.portal_id,
        environment: r.environment,
        session: r.session,
        message: r.message,
        raisedAt: r.raised_at,
      });
      // a row this version does not understand (a kind added later) is skipped, not shown wrong
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }
}
