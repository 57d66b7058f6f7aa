import { useId, useState } from 'react';
import type { PortalView } from '../../../../shared/contract';
import { ErrorBox } from '../../ui/States';
import { CheckField, InputField } from '../../ui/Field';
import { FIELD_LABELS, toDraft, urlHint, type Draft } from './portal-draft';
import { usePortalSave } from './use-portal-save';

interface Props {
  /** the portal being edited, or null to add one */
  portal: PortalView | null;
  onDone(saved: PortalView | null): void;
}

/**
 * Add or edit a portal. Secret fields are write-only: they start empty, are never filled from the console
 * (which never sends them), and an empty field on edit keeps the stored secret. Saving first tests the
 * connection and looks for another portal with the same URL (usePortalSave); if either finds a problem the form
 * says what and asks before saving. The built-in portal's address and robot are the console's: its form has only the
 * label, poll interval, index URL and on/off.
 */
export function PortalForm({ portal, onDone }: Props) {
  const [d, setD] = useState<Draft>(() => toDraft(portal));
  const { errors, test, check, busy, save, commit, runTest, reset, dismissCheck } = usePortalSave(portal, onDone);
  const hintId = useId();
  const editing = portal !== null;
  const builtin = portal?.builtin === true;

  // Any change makes earlier errors, test results and save checks stale: they go.
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((old) => ({ ...old, [k]: v }));
    reset();
  };
  const invalid = (field: keyof Draft) => errors.some((e) => e.field === field);

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
        if (!busy && !check) void save(d);
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
            <button type="button" disabled={busy} onClick={dismissCheck}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Checking…' : editing ? 'Save' : 'Add portal'}
            </button>
            {!builtin && (
              <button type="button" onClick={() => void runTest(d)} disabled={busy}>
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
