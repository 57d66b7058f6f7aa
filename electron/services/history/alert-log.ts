import type { Alert } from '../../../shared/contract';
import { alertSchema } from '../../../shared/contract';
import type { Db } from '../console-db';

/** alerts kept on disk; older ones go (the log is for the event at hand, not an archive) */
export const ALERTS_KEPT = 1000;
/** a repeat of an alert not acknowledged yet (same kind, portal and environment) within this adds to its count */
export const GROUP_WINDOW_MS = 10 * 60_000;

interface AlertRow {
  id: number;
  kind: string;
  portal_id: string;
  portal_label: string;
  environment: string | null;
  session: string | null;
  message: string;
  raised_at: number;
  count: number;
  acknowledged_at: number | null;
}

/**
 * The alert log in console.db: every alert the monitor raises is written before it is pushed, and read back at
 * start (`alerts.list`). An alert's id becomes its row's (`alert-<n>`): the monitor numbers alerts per run, so its
 * ids would repeat after a restart. A repeat of an open alert within the window updates that row (count, message,
 * time) and keeps its id, so a flapping portal is one line with a count rather than a page of lines.
 */
export class AlertLog {
  private readonly st;
  private writes = 0;

  constructor(
    private readonly db: Db,
    private readonly kept = ALERTS_KEPT,
    private readonly windowMs = GROUP_WINDOW_MS,
  ) {
    this.st = {
      insert: db.prepare(
        `INSERT INTO alerts (kind, portal_id, portal_label, environment, session, message, raised_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      open: db.prepare<[string, string, string | null, number], AlertRow>(
        `SELECT * FROM alerts WHERE kind = ? AND portal_id = ? AND environment IS ? AND acknowledged_at IS NULL
         AND raised_at >= ? ORDER BY id DESC LIMIT 1`,
      ),
      repeat: db.prepare(
        'UPDATE alerts SET count = count + 1, message = ?, session = ?, raised_at = ?, portal_label = ? WHERE id = ?',
      ),
      byId: db.prepare<[number], AlertRow>('SELECT * FROM alerts WHERE id = ?'),
      recent: db.prepare<[number, number], AlertRow>(
        'SELECT * FROM (SELECT * FROM alerts WHERE raised_at >= ? ORDER BY id DESC LIMIT ?) ORDER BY id',
      ),
      ack: db.prepare<[number, number]>(
        'UPDATE alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL',
      ),
      openIds: db.prepare<[], { id: number }>('SELECT id FROM alerts WHERE acknowledged_at IS NULL'),
      trim: db.prepare('DELETE FROM alerts WHERE id <= (SELECT max(id) FROM alerts) - ?'),
    };
  }

  /** stores the alert and returns it with its lasting id (and count); a write that fails leaves it as raised */
  record(alert: Alert): Alert {
    try {
      const open = this.st.open.get(alert.kind, alert.portalId, alert.environment, alert.raisedAt - this.windowMs);
      if (open) {
        this.st.repeat.run(alert.message, alert.session, alert.raisedAt, alert.portalLabel, open.id);
        const row = this.st.byId.get(open.id);
        return row ? (toAlert(row) ?? alert) : alert;
      }
      const r = this.st.insert.run(
        alert.kind,
        alert.portalId,
        alert.portalLabel,
        alert.environment,
        alert.session,
        alert.message,
        alert.raisedAt,
      );
      // trimmed now and then, not on every alert
      if (++this.writes % 100 === 0) this.st.trim.run(this.kept);
      return { ...alert, id: `alert-${Number(r.lastInsertRowid)}`, count: 1, acknowledgedAt: null };
    } catch {
      return alert;
    }
  }

  /**
   * Acknowledges the given alerts (ids as `alert-<n>`), or all open ones; returns those it marked. Unknown or
   * already acknowledged ids are skipped, not an error: another window may have acknowledged them first.
   */
  acknowledge(ids: readonly string[] | 'all', at: number): string[] {
    const rows =
      ids === 'all'
        ? this.st.openIds.all().map((r) => r.id)
        : ids.flatMap((id) => {
            const m = /^alert-(\d+)$/.exec(id);
            return m ? [Number(m[1])] : [];
          });
    const marked: string[] = [];
    this.db.transaction(() => {
      for (const n of rows) if (this.st.ack.run(at, n).changes > 0) marked.push(`alert-${n}`);
    })();
    return marked;
  }

  /** the latest `limit` alerts raised since `sinceMs`, oldest first */
  list(limit: number, sinceMs = 0): Alert[] {
    const out: Alert[] = [];
    for (const r of this.st.recent.iterate(sinceMs, limit)) {
      const a = toAlert(r);
      if (a) out.push(a);
    }
    return out;
  }
}

/**
 * a row as an alert, or null for a row this version does not understand (a kind added later: skipped, not shown
 * wrong)
 */
function toAlert(r: AlertRow): Alert | null {
  const parsed = alertSchema.safeParse({
    id: `alert-${r.id}`,
    kind: r.kind,
    portalId: r.portal_id,
    portalLabel: r.portal_label,
    environment: r.environment,
    session: r.session,
    message: r.message,
    raisedAt: r.raised_at,
    count: r.count,
    acknowledgedAt: r.acknowledged_at,
  });
  return parsed.success ? parsed.data : null;
}
