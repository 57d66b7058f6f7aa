import { useEffect } from 'react';
import type { Alert } from '../../../shared/contract';
import { useApp } from '../store/use-app';
import { appStore } from '../store/app-store';

const TOAST_MS = 8000;

const kindTitle: Record<Alert['kind'], string> = {
  capacity: 'Capacity',
  'portal-offline': 'Portal offline',
  'credentials-rejected': 'Credentials rejected',
  expiring: 'Session expiring',
};

function Toast({ alert }: { alert: Alert }) {
  useEffect(() => {
    const t = window.setTimeout(() => appStore.getState().dismissToast(alert.id), TOAST_MS);
    return () => window.clearTimeout(t);
  }, [alert.id]);
  return (
    <li className="toast" data-kind={alert.kind} data-testid="toast">
      <div>
        <strong>{kindTitle[alert.kind]}</strong>
        <p>{alert.message}</p>
      </div>
      <button type="button" className="icon" aria-label="Dismiss alert" onClick={() => appStore.getState().dismissToast(alert.id)}>
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
      <ul role="status" aria-live="polite" aria-relevant="additions">
        {toasts.map((a) => (
          <Toast key={a.id} alert={a} />
        ))}
      </ul>
    </section>
  );
}
