import { useState } from 'react';
import type { MethodInput, PortalView } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { ErrorBox } from '../../ui/States';

interface Props {
  /** the portal being edited, or null to add one */
  portal: PortalView | null;
  onDone(saved: PortalView | null): void;
}

interface Draft {
  label: string;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  pollSeconds: string;
  defaultIndexUrl: string;
  enabled: boolean;
}

function toDraft(p: PortalView | null): Draft {
  return {
    label: p?.label ?? '',
    baseUrl: p?.baseUrl ?? '',
    clientId: p?.clientId ?? '',
    clientSecret: '',
    username: p?.username ?? '',
    password: '',
    pollSeconds: p ? String(Math.round(p.pollIntervalMs / 1000)) : '',
    defaultIndexUrl: p?.defaultIndexUrl ?? '',
    enabled: p?.enabled ?? true,
  };
}

/**
 * Add or edit a portal. Secret fields are write-only: they start empty, are never filled from the console
 * (which never sends them), and an empty field on edit keeps the stored secret.
 */
export function PortalForm({ portal, onDone }: Props) {
  const [d, setD] = useState<Draft>(() => toDraft(portal));
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((old) => ({ ...old, [k]: v }));
  const editing = portal !== null;

  const common = () => {
    const poll = Number(d.pollSeconds);
    return {
      label: d.label.trim(),
      baseUrl: d.baseUrl.trim(),
      clientId: d.clientId.trim(),
      username: d.username.trim(),
      enabled: d.enabled,
      ...(d.pollSeconds.trim() && Number.isFinite(poll) ? { pollIntervalMs: Math.round(poll * 1000) } : {}),
      ...(d.defaultIndexUrl.trim() ? { defaultIndexUrl: d.defaultIndexUrl.trim() } : {}),
    };
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    const r = editing
      ? await invoke('portals.update', {
          id: portal.id,
          ...common(),
          ...(d.clientSecret ? { clientSecret: d.clientSecret } : {}),
          ...(d.password ? { password: d.password } : {}),
        })
      : await invoke('portals.add', { ...common(), clientSecret: d.clientSecret, password: d.password });
    setBusy(false);
    if (r.ok) onDone(r.data);
    else setError(r.error.message);
  };

  const runTest = async () => {
    setBusy(true);
    setTest(null);
    let input: MethodInput<'portals.test'>;
    if (d.clientSecret && d.password) input = { draft: { ...common(), clientSecret: d.clientSecret, password: d.password } };
    else if (editing) input = { id: portal.id };
    else {
      setBusy(false);
      setTest('Enter the client secret and password to test a new portal.');
      return;
    }
    const r = await invoke('portals.test', input);
    setBusy(false);
    if (r.ok) setTest(r.data.ok ? `Connected to ${r.data.portalName ?? 'the portal'} in ${Math.round(r.data.latencyMs)} ms` : `Test failed: ${r.data.message}`);
    else setTest(`Test failed: ${r.error.message}`);
  };

  return (
    <form
      className="form-grid panel"
      aria-label={editing ? `Edit ${portal.label}` : 'Add a portal'}
      data-testid="portal-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 className="wide">{editing ? `Edit ${portal.label}` : 'Add a portal'}</h2>
      <label>
        Label
        <input value={d.label} onChange={(e) => set('label', e.target.value)} required maxLength={100} />
      </label>
      <label>
        Portal URL
        <input type="url" value={d.baseUrl} onChange={(e) => set('baseUrl', e.target.value)} required placeholder="https://portal.example.org" />
      </label>
      <label>
        Client id
        <input value={d.clientId} onChange={(e) => set('clientId', e.target.value)} required autoComplete="off" />
      </label>
      <label>
        Client secret
        <input
          type="password"
          value={d.clientSecret}
          onChange={(e) => set('clientSecret', e.target.value)}
          required={!editing}
          autoComplete="new-password"
          placeholder={editing && portal.secrets.clientSecret ? 'stored — leave empty to keep' : ''}
        />
      </label>
      <label>
        Robot username
        <input value={d.username} onChange={(e) => set('username', e.target.value)} required autoComplete="off" />
      </label>
      <label>
        Robot password
        <input
          type="password"
          value={d.password}
          onChange={(e) => set('password', e.target.value)}
          required={!editing}
          autoComplete="new-password"
          placeholder={editing && portal.secrets.password ? 'stored — leave empty to keep' : ''}
        />
      </label>
      <label>
        Poll interval (seconds)
        <input type="number" min={1} max={600} step={1} value={d.pollSeconds} onChange={(e) => set('pollSeconds', e.target.value)} placeholder="default" />
      </label>
      <label>
        Default index URL
        <input type="url" value={d.defaultIndexUrl} onChange={(e) => set('defaultIndexUrl', e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        Monitor this portal
      </label>
      <div className="form-actions wide">
        <button type="submit" className="primary" disabled={busy}>
          {editing ? 'Save' : 'Add portal'}
        </button>
        <button type="button" onClick={() => void runTest()} disabled={busy}>
          Test connection
        </button>
        <button type="button" onClick={() => onDone(null)} disabled={busy}>
          Cancel
        </button>
      </div>
      {test && (
        <p className="wide" role="status" data-testid="portal-test-result">
          {test}
        </p>
      )}
      {error && (
        <div className="wide">
          <ErrorBox testId="portal-form-error">{error}</ErrorBox>
        </div>
      )}
    </form>
  );
}
