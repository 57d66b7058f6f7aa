import { memo, useMemo, useState } from 'react';
import { useApp } from '../../store/use-app';
import { formatClockOnDay } from '../../lib/time';
import { ErrorBox } from '../../ui/States';
import { ALERT_TITLE, acknowledgeAlerts, alertPortal, isRecovery } from './alert-text';

/** Alerts not acknowledged yet, newest first, repeats as one row with a count; acknowledge one or all. */
export const AlertsPanel = memo(function AlertsPanel() {
  const history = useApp((s) => s.alertHistory);
  const snapshots = useApp((s) => s.snapshots);
  const open = useMemo(() => history.filter((a) => a.acknowledgedAt === null), [history]);
  const [error, setError] = useState<string | null>(null);
  const ack = async (ids: string[] | 'all') => setError(await acknowledgeAlerts(ids));
  const now = Date.now();
  return (
    <section className="alerts-panel" aria-labelledby="alerts-title" data-testid="alerts-panel">
      <div className="alerts-head">
        <h2 id="alerts-title">
          Alerts <span className="count">{open.length}</span>
        </h2>
        {open.length > 0 && (
          <button type="button" className="small" onClick={() => void ack('all')} data-testid="alerts-ack-all">
            Acknowledge all
          </button>
        )}
      </div>
      {error && <ErrorBox>{error}</ErrorBox>}
      {open.length === 0 ? (
        <p className="muted">No alerts waiting. New ones show here and as toasts.</p>
      ) : (
        <ul className="alerts-list">
          {open.map((a) => (
            <li
              key={a.id}
              className="alert-row"
              data-kind={a.kind}
              data-recovery={isRecovery(a)}
              data-testid="alert-row"
            >
              <span className="alert-time">{formatClockOnDay(a.raisedAt, now)}</span>
              <span className="alert-text">
                <strong>
                  {ALERT_TITLE[a.kind]} · {alertPortal(a, snapshots)}
                  {a.count > 1 && (
                    <span className="alert-count" data-testid="alert-count">
                      {' '}
                      ×{a.count}
                    </span>
                  )}
                </strong>
                <span className="muted">{a.message}</span>
              </span>
              <button
                type="button"
                className="small"
                onClick={() => void ack([a.id])}
                aria-label={`Acknowledge: ${a.message}`}
              >
                Acknowledge
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
