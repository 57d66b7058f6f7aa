import { useEffect, useState } from 'react';
import type { Settings } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { formatClockSeconds } from '../../lib/time';
import { ALERT_TITLE, alertPortal } from '../alerts/alert-text';
import { appStore } from '../../store/app-store';
import { useApp } from '../../store/use-app';
import { ErrorBox } from '../../ui/States';
import { DataTable } from '../../ui/DataTable';
import { CheckField, InputField } from '../../ui/Field';

const ALERT_COLUMNS = ['Time', 'Kind', 'Portal', 'Message'];

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

  const thresholdField = (key: 'capacityPercent' | 'expiringMinutes', label: string, max: number) => (
    <InputField
      label={label}
      type="number"
      min={1}
      max={max}
      required
      value={draft.alerts[key]}
      onValue={(v) => setAlert(key, Number(v))}
    />
  );

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
          {thresholdField('capacityPercent', 'Capacity alert at (% of capacity allocated)', 100)}
          {thresholdField('expiringMinutes', 'Expiring alert (minutes before a session expires)', 1440)}
          <CheckField
            label="Also show operating-system notifications (desktop app)"
            checked={draft.alerts.notifyOs}
            onChecked={(c) => setAlert('notifyOs', c)}
          />
        </fieldset>
        <fieldset className="wide">
          <legend>Theme</legend>
          {(['system', 'light', 'dark'] as const).map((t) => (
            <CheckField
              key={t}
              label={t === 'system' ? 'Follow the system' : t === 'light' ? 'Light' : 'Dark'}
              type="radio"
              name="theme"
              value={t}
              checked={draft.theme === t}
              onChecked={() => setDraft((d) => ({ ...d, theme: t }))}
            />
          ))}
        </fieldset>
        <div className="form-actions wide">
          <button type="submit" className="primary" disabled={saving}>
            Save settings
          </button>
        </div>
      </form>
      {error && <ErrorBox>{error}</ErrorBox>}
      <h2>Alert log</h2>
      {history.length === 0 ? (
        <p className="muted">
          No alerts yet. Alerts appear here and as toasts when a threshold is crossed or a portal goes offline.
        </p>
      ) : (
        <DataTable caption="Alerts raised" columns={ALERT_COLUMNS} testId="alert-history">
          {history.map((a) => (
            <tr key={a.id}>
              <td>{formatClockSeconds(a.raisedAt)}</td>
              <td>
                {ALERT_TITLE[a.kind]}
                {a.count > 1 ? ` ×${a.count}` : ''}
                {a.acknowledgedAt !== null ? ' (acknowledged)' : ''}
              </td>
              <td>{alertPortal(a, snapshots)}</td>
              <td>{a.message}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
