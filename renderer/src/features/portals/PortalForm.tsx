import { useId, useState } from 'react';
import type { MethodInput, PortalInput, PortalUpdate, PortalView } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { useApp } from '../../store/use-app';
import { ErrorBox } from '../../ui/States';
import { CheckField, InputField } from '../../ui/Field';
import {
  checkEdit,
  checkNew,
  duplicatesOf,
  FIELD_LABELS,
  humanizeMessage,
  toDraft,
  touchesConnection,
  urlHint,
  type Draft,
  type FieldError,
} from './portal-draft';

interface Props {
  /** the portal being edited, or null to add one */
  portal: PortalView | null;
  onDone(saved: PortalView | null): void;
}

type Pending = { kind: 'add'; input: PortalInput } | { kind: 'edit'; input: PortalUpdate };

/**
 * Add or edit a portal. Secret fields are write-only: they start empty, are never filled from the console
 * (which never sends them), and an empty field on edit keeps the stored secret. Saving first tests the
 * connection and looks for another portal with the same URL; if either finds a problem the form says what and
 * asks before saving. The built-in portal's address and robot are the console's: its form has only the label,
 * poll interval, index URL and on/off.
 */
export function PortalForm({ portal, onDone }: Props) {
  const portals = useApp((s) => s.portals);
  const [d, setD] = useState<Draft>(() => toDraft(portal));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [test, setTest] = useState<string | null>(null);
  const [check, setCheck] = useState<{ reasons: string[]; pending: Pending } | null>(null);
  const [busy, setBusy] = useState(false);
  const hintId = useId();
  const editing = portal !== null;
  const builtin = portal?.builtin === true;

  // Any change makes earlier errors, test results and save checks stale: they go.
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((old) => ({ ...old, [k]: v }));
    setErrors([]);
    setTest(null);
    setCheck(null);
  };
  const invalid = (field: keyof Draft) => errors.some((e) => e.field === field);
  const fail = (message: string) => setErrors([{ field: null, message: humanizeMessage(message) }]);

  const checked = (): Pending | null => {
    const r = editing ? checkEdit(d, portal) : checkNew(d);
    if (!r.ok) {
      setErrors(r.errors);
      return null;
    }
    return editing ? { kind: 'edit', input: r.value as PortalUpdate } : { kind: 'add', input: r.value as PortalInput };
  };

  const testInput = (p: Pending): MethodInput<'portals.test'> | null => {
    if (p.kind === 'add') return { draft: p.input };
    if (portal && touchesConnection(p.input)) {
      const { id: _id, ...changes } = p.input;
      return { id: portal.id, changes };
    }
    return null;
  };

  const commit = async (p: Pending) => {
    setBusy(true);
    const r = p.kind === 'add' ? await invoke('portals.add', p.input) : await invoke('portals.update', p.input);
    setBusy(false);
    if (r.ok) onDone(r.data);
    else {
      setCheck(null);
      fail(r.error.message);
    }
  };

  const save = async () => {
    setErrors([]);
    setCheck(null);
    const p = checked();
    if (!p) return;
    const reasons: string[] = [];
    const url = p.input.baseUrl;
    if (url !== undefined) {
      for (const other of duplicatesOf(url, portals, portal?.id ?? null)) {
        reasons.push(`“${other.label}” already uses this portal URL (${other.baseUrl}).`);
      }
    }
    const input = testInput(p);
    if (input) {
      setBusy(true);
      const r = await invoke('portals.test', input);
      setBusy(false);
      if (!r.ok) return fail(r.error.message);
      if (!r.data.ok) reasons.push(`The connection test failed: ${r.data.message}.`);
    }
    if (reasons.length > 0) setCheck({ reasons, pending: p });
    else await commit(p);
  };

  const runTest = async () => {
    setTest(null);
    setErrors([]);
    if (!editing && (!d.clientSecret || !d.password)) {
      setTest('Enter the client secret and password to test a new portal.');
      return;
    }
    const p = checked();
    if (!p) return;
    const input = testInput(p) ?? { id: (portal as PortalView).id };
    setBusy(true);
    const r = await invoke('portals.test', input);
    setBusy(false);
    if (r.ok)
      setTest(
        r.data.ok
          ? `Connected to ${r.data.portalName ?? 'the portal'} in ${Math.round(r.data.latencyMs)} ms`
          : `Test failed: ${r.data.message}`,
      );
    else setTest(`Test failed: ${humanizeMessage(r.error.message)}`);
  };

  // write-only: required when adding; on edit an empty field keeps the stored secret
  const secretField = (key: 'clientSecret' | 'password') => (
    <InputField
      label={FIELD_LABELS[key]}
      type="password"
      value={d[key]}
      onValue={(v) => set(key, v)}
      required={!editing}
      autoComplete="new-password"
      aria-invalid={invalid(key) || undefined}
      placeholder={editing && portal.secrets[key] ? 'stored — leave empty to keep' : ''}
    />
  );
  const hint = builtin ? null : urlHint(d.baseUrl);

  return (
    <form
      className="form-grid panel"
      aria-label={editing ? `Edit ${portal.label}` : 'Add a portal'}
      data-testid="portal-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy && !check) void save();
      }}
    >
      <h2 className="wide">{editing ? `Edit ${portal.label}` : 'Add a portal'}</h2>
      <InputField
        label={FIELD_LABELS.label}
        value={d.label}
        onValue={(v) => set('label', v)}
        required
        maxLength={100}
        aria-invalid={invalid('label') || undefined}
      />
      {builtin ? (
        <p className="wide muted" data-testid="builtin-managed">
          The built-in portal runs on this computer at <span className="mono">{portal.baseUrl}</span>; its address and
          robot credentials are managed by the console.
        </p>
      ) : (
        <>
          <InputField
            label={FIELD_LABELS.baseUrl}
            type="url"
            value={d.baseUrl}
            onValue={(v) => set('baseUrl', v)}
            required
            placeholder="https://portal.example.org"
            aria-invalid={invalid('baseUrl') || undefined}
            aria-describedby={hint ? hintId : undefined}
          />
          <p
            id={hintId}
            className={`form-hint${hint?.tone === 'warn' ? ' warning' : ''}`}
            data-testid="portal-url-host"
            aria-live="polite"
          >
            {hint?.text}
          </p>
          <InputField
            label={FIELD_LABELS.clientId}
            value={d.clientId}
            onValue={(v) => set('clientId', v)}
            required
            autoComplete="off"
            aria-invalid={invalid('clientId') || undefined}
          />
          {secretField('clientSecret')}
          <InputField
            label={FIELD_LABELS.username}
            value={d.username}
            onValue={(v) => set('username', v)}
            required
            autoComplete="off"
            aria-invalid={invalid('username') || undefined}
          />
          {secretField('password')}
        </>
      )}
      <InputField
        label={FIELD_LABELS.pollSeconds}
        type="number"
        min={1}
        max={600}
        step={1}
        value={d.pollSeconds}
        onValue={(v) => set('pollSeconds', v)}
        placeholder="default"
        aria-invalid={invalid('pollSeconds') || undefined}
      />
      <InputField
        label={FIELD_LABELS.defaultIndexUrl}
        type="url"
        value={d.defaultIndexUrl}
        onValue={(v) => set('defaultIndexUrl', v)}
        aria-invalid={invalid('defaultIndexUrl') || undefined}
      />
      <CheckField label={FIELD_LABELS.enabled} checked={d.enabled} onChecked={(c) => set('enabled', c)} />
      {check && (
        <div className="wide state state-error save-check" role="alert" data-testid="portal-save-check">
          <p>Check before saving:</p>
          <ul>
            {check.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="form-actions wide">
        {check ? (
          <>
            <button type="button" className="primary" disabled={busy} onClick={() => void commit(check.pending)}>
              Save anyway
            </button>
            <button type="button" disabled={busy} onClick={() => setCheck(null)}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Checking…' : editing ? 'Save' : 'Add portal'}
            </button>
            {!builtin && (
              <button type="button" onClick={() => void runTest()} disabled={busy}>
                Test connection
              </button>
            )}
            <button type="button" onClick={() => onDone(null)} disabled={busy}>
              Cancel
            </button>
          </>
        )}
      </div>
      {test && (
        <p className="wide" role="status" data-testid="portal-test-result">
          {test}
        </p>
      )}
      {errors.length > 0 && (
        <div className="wide">
          <ErrorBox testId="portal-form-error">
            {errors.length === 1 ? (
              errors[0]?.message
            ) : (
              <ul>
                {errors.map((e) => (
                  <li key={e.message}>{e.message}</li>
                ))}
              </ul>
            )}
          </ErrorBox>
        </div>
      )}
    </form>
  );
}
