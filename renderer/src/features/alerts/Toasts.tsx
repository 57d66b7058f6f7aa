import { useEffect } from 'react';
import type { Alert } from '../../../../shared/contract';
import { useApp } from '../../store/use-app';
import { appStore } from '../../store/app-store';
import { ALERT_TITLE, acknowledgeAlerts, isRecovery, useAlertPerson } from './alert-text';

const TOAST_MS = 8000;

function Toast({ alert }: { alert: Alert }) {
  const person = useAlertPerson(alert);
  useEffect(() => {
    const t = window.setTimeout(() => appStore.getState().dismissToast(alert.id), TOAST_MS);
    return () => window.clearTimeout(t);
  }, [alert.id, alert.count]);
  return (
    <li className="toast" data-kind={alert.kind} data-recovery={isRecovery(alert)} data-testid="toast">
      <div>
        <strong>
          {ALERT_TITLE[alert.kind]}
          {alert.count > 1 && <span className="alert-count"> ×{alert.count}</span>}
        </strong>
        <p>{alert.message}</p>
        {person && (
          <p className="toast-person" data-testid="toast-person">
            {person}
          </p>
        )}
        <button type="button" className="small" onClick={() => void acknowledgeAlerts([alert.id])}>
          Acknowledge
        </button>
      </div>
      <button
        type="button"
        className="icon"
        aria-label="Dismiss alert"
        onClick={() => appStore.getState().dismissToast(alert.id)}
      >
        ×
      </button>
    </li>
  );
}

/** In-page alerts; the list is a polite live region so screen readers announce new alerts. */
export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <section className="toasts" aria-label="Alerts">
      {/* the live region wraps the list: role="status" on the <ul> itself would take its list role away */}
      <div role="status" aria-live="polite" aria-relevant="additions">
        <ul>
          {toasts.map((a) => (
            <Toast key={a.id} alert={a} />
          ))}
        </ul>
      </div>
    </section>
  );
}
