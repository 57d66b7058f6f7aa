import { useState } from 'react';
import type { MethodInput, PortalView } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { ErrorBox } from '../../ui/States';
import { CheckField, InputField } from '../../ui/Field';

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

  // write-only: required when adding; on edit an empty field keeps the stored secret
  const secretField = (key: 'clientSecret' | 'password', label: string) => (
    <InputField
      label={label}
      type="password"
      value={d[key]}
      onValue={(v) => set(key, v)}
      required={!editing}
      autoComplete="new-password"
      placeholder={editing && portal.secrets[key] ? 'stored — leave empty to keep' : ''}
    />
  );

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
      <InputField label="Label" value={d.label} onValue={(v) => set('label', v)} required maxLength={100} />
      <InputField label="Portal URL" type="url" value={d.baseUrl} onValue={(v) => set('baseUrl', v)} required placeholder="https://portal.example.org" />
      <InputField label="Client id" value={d.clientId} onValue={(v) => set('clientId', v)} required autoComplete="off" />
      {secretField('clientSecret', 'Client secret')}
      <InputField label="Robot username" value={d.username} onValue={(v) => set('username', v)} required autoComplete="off" />
      {secretField('password', 'Robot password')}
      <InputField
        label="Poll interval (seconds)"
        type="number"
        min={1}
        max={600}
        step={1}
        value={d.pollSeconds}
        onValue={(v) => set('pollSeconds', v)}
        placeholder="default"
      />
      <InputField label="Default index URL" type="url" value={d.defaultIndexUrl} onValue={(v) => set('defaultIndexUrl', v)} />
      <CheckField label="Monitor this portal" checked={d.enabled} onChecked={(c) => set('enabled', c)} />
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
