import { useEffect, useState } from 'react';
import type { Settings } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';
import { useApp } from '../../store/use-app';
import { ErrorBox } from '../../ui/States';

export function SettingsView() {
  const settings = useApp((s) => s.settings);
  const history = useApp((s) => s.alertHistory);
  const snapshots = useApp((s) => s.snapshots);
  const [draft, setDraft] = useState<Settings>(settings);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setDraft(settings), [settings]);

  const save = async (next: Settings) => {
    setSaving(true);
    setError(null);
    const r = await invoke('settings.update', next);
    setSaving(false);
    if (r.ok) {
      appStore.getState().setSettings(r.data);
      appStore.getState().setNotice('Settings saved');
    } else setError(r.error.message);
  };

  const setAlert = <K extends keyof Settings['alerts']>(k: K, v: Settings['alerts'][K]) =>
    setDraft((d) => ({ ...d, alerts: { ...d.alerts, [k]: v } }));

  return (
    <section className="screen" aria-labelledby="settings-title">
      <h1 id="settings-title">Alerts and settings</h1>
      <form
        className="form-grid"
        aria-label="Alert thresholds"
        onSubmit={(e) => {
          e.preventDefault();
          void save(draft);
        }}
      >
        <fieldset className="wide">
          <legend>Alert thresholds</legend>
          <label>
            Capacity alert at (% of capacity allocated)
            <input
              type="number"
              min={1}
              max={100}
              required
              value={draft.alerts.capacityPercent}
              onChange={(e) => setAlert('capacityPercent', Number(e.target.value))}
            />
          </label>
          <label>
            Expiring alert (minutes before a session expires)
            <input
              type="number"
              min={1}
              max={1440}
              required
              value={draft.alerts.expiringMinutes}
              onChange={(e) => setAlert('expiringMinutes', Number(e.target.value))}
            />
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.alerts.notifyOs} onChange={(e) => setAlert('notifyOs', e.target.checked)} />
            Also show operating-system notifications (desktop app)
          </label>
        </fieldset>
        <fieldset className="wide">
          <legend>Theme</legend>
          {(['system', 'light', 'dark'] as const).map((t) => (
            <label className="check" key={t}>
              <input type="radio" name="theme" value={t} checked={draft.theme === t} onChange={() => setDraft((d) => ({ ...d, theme: t }))} />
              {t === 'system' ? 'Follow the system' : t === 'light' ? 'Light' : 'Dark'}
            </label>
          ))}
        </fieldset>
        <div className="form-actions wide">
          <button type="submit" className="primary" disabled={saving}>
            Save settings
          </button>
        </div>
      </form>
      {error && <ErrorBox>{error}</ErrorBox>}
      <h2>Alerts this session</h2>
      {history.length === 0 ? (
        <p className="muted">No alerts yet. Alerts appear here and as toasts when a threshold is crossed or a portal goes offline.</p>
      ) : (
        <table className="data-table" data-testid="alert-history">
          <caption className="sr-only">Alerts raised</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Kind</th>
              <th scope="col">Portal</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {history.map((a) => (
              <tr key={a.id}>
                <td>{new Date(a.raisedAt).toLocaleTimeString()}</td>
                <td>{a.kind}</td>
                <td>{snapshots[a.portalId]?.label ?? a.portalId}</td>
                <td>{a.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
