import { useEffect, useState } from 'react';
import { DEFAULT_ACTIVATION_MINUTES, portalAbilities, type Allocation } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { useApp } from '../../store/use-app';
import { appStore } from '../../store/app-store';
import { allocationErrorMessage } from '../../store/selectors/errors';
import { freeSlots } from '../../lib/gauges';
import { LocalCountdown } from '../../ui/Countdown';
import { Empty, ErrorBox } from '../../ui/States';
import { PortalSelect, usePortalChoice } from './portal-choice';
import { InputField } from '../../ui/Field';

/** the contract's bound on a request's activation timeout (24 h) */
const MAX_ACTIVATION_MINUTES = 24 * 60;

export function CreateSession({ portalId, environment }: { portalId: string | null; environment: string | null }) {
  const { order, snapshots, portal, setPortal, env, setEnv, environments } = usePortalChoice(portalId, environment);
  const portals = useApp((s) => s.portals);
  const expiringMinutes = useApp((s) => s.settings.alerts.expiringMinutes);
  const [user, setUser] = useState('');
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const defaultIndex = portals.find((p) => p.id === portal)?.defaultIndexUrl ?? '';
  const [indexUrl, setIndexUrl] = useState(defaultIndex);
  const [indexTouched, setIndexTouched] = useState(false);
  // minutes the link may wait before it is opened; the portal's own default (60 s) kills links sent ahead
  const [activation, setActivation] = useState(String(DEFAULT_ACTIVATION_MINUTES));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [allocation, setAllocation] = useState<Allocation | null>(null);

  // the index URL follows the portal's default until the user edits it
  useEffect(() => {
    if (!indexTouched) setIndexUrl(defaultIndex);
  }, [defaultIndex, indexTouched]);

  const chosen = environments.find((e) => e.name === env);
  const fixedActivation = portalAbilities(snapshots[portal]?.dialect).activationWindow;

  const submit = async () => {
    setError(null);
    setAllocation(null);
    if (!user.trim() && !email.trim()) {
      setError('Enter a user id or an email.');
      return;
    }
    const minutes = Number(activation);
    if (
      !fixedActivation &&
      (activation.trim() === '' || !Number.isInteger(minutes) || minutes < 0 || minutes > MAX_ACTIVATION_MINUTES)
    ) {
      setError(
        `The activation window is a whole number of minutes, from 0 (none) to ${MAX_ACTIVATION_MINUTES} (a day).`,
      );
      return;
    }
    setBusy(true);
    const r = await invoke('sessions.request', {
      portalId: portal,
      environment: env,
      ...(user.trim() ? { user: user.trim() } : {}),
      ...(email.trim() ? { email: email.trim() } : {}),
      ...(firstName.trim() ? { firstName: firstName.trim() } : {}),
      ...(lastName.trim() ? { lastName: lastName.trim() } : {}),
      ...(indexUrl.trim() ? { indexUrl: indexUrl.trim() } : {}),
      ...(fixedActivation ? {} : { timeout: minutes * 60 }),
    });
    setBusy(false);
    if (r.ok) setAllocation(r.data);
    else setError(allocationErrorMessage(r.error));
  };

  const copy = async () => {
    if (!allocation) return;
    try {
      await navigator.clipboard.writeText(allocation.activationUrl);
      appStore.getState().setNotice('Activation link copied');
    } catch {
      appStore.getState().setNotice('Copy failed: select the link and copy it by hand');
    }
  };

  if (!order.length) {
    return (
      <section className="screen">
        <h1>New session</h1>
        <Empty>
          No portals to allocate on. <a href="#/portals">Add a portal</a>.
        </Empty>
      </section>
    );
  }

  return (
    <section className="screen" aria-labelledby="create-title">
      <h1 id="create-title">New session for a named user</h1>
      <form
        className="form-grid"
        aria-labelledby="create-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Portal
          <PortalSelect order={order} snapshots={snapshots} value={portal} onChange={setPortal} />
        </label>
        <label>
          Workshop
          <select value={env} onChange={(e) => setEnv(e.target.value)} data-testid="workshop-select" required>
            {environments.length === 0 && <option value="">no workshops running</option>}
            {environments.map((e) => (
              <option key={e.name} value={e.name}>
                {e.workshop.title || e.workshop.name} — {freeSlots(e)} free of {e.capacity} ({e.name})
              </option>
            ))}
          </select>
        </label>
        <p className="form-hint" aria-live="polite" data-testid="availability">
          {chosen
            ? `${chosen.allocated} allocated, ${chosen.available} available (ready), ` +
              `${freeSlots(chosen)} free of ${chosen.capacity} capacity`
            : 'Choose a workshop'}
        </p>
        <InputField label="User id" value={user} onValue={setUser} maxLength={150} autoComplete="off" />
        <InputField label="Email" type="email" value={email} onValue={setEmail} maxLength={254} autoComplete="off" />
        <InputField label="First name" value={firstName} onValue={setFirstName} maxLength={150} autoComplete="off" />
        <InputField label="Last name" value={lastName} onValue={setLastName} maxLength={150} autoComplete="off" />
        {fixedActivation ? (
          <p className="form-hint wide" data-testid="activation-fixed">
            {fixedActivation}
          </p>
        ) : (
          <>
            <InputField
              label="Activation window (minutes, 0 = none)"
              type="number"
              inputMode="numeric"
              min={0}
              max={MAX_ACTIVATION_MINUTES}
              step={1}
              value={activation}
              onValue={setActivation}
              aria-describedby="activation-hint"
              data-testid="activation-window"
            />
            <p className="form-hint" id="activation-hint">
              The link must be opened within this time, or the portal deletes the session. 0: no deadline.
            </p>
          </>
        )}
        <InputField
          label="Index URL (where users return after the workshop)"
          className="wide"
          type="url"
          value={indexUrl}
          onValue={(v) => {
            setIndexTouched(true);
            setIndexUrl(v);
          }}
          maxLength={2048}
        />
        <div className="form-actions wide">
          <button type="submit" className="primary" disabled={busy || !env}>
            {busy ? 'Requesting…' : 'Create session'}
          </button>
        </div>
      </form>
      {error && <ErrorBox testId="allocation-error">{error}</ErrorBox>}
      {allocation && (
        <section className="allocation" aria-labelledby="allocation-title" data-testid="allocation">
          <h2 id="allocation-title">
            Session {allocation.session} for {allocation.user}
          </h2>
          <label className="wide">
            Activation link
            <input
              readOnly
              value={allocation.activationUrl}
              data-testid="activation-url"
              onFocus={(e) => e.currentTarget.select()}
            />
          </label>
          <div className="form-actions">
            <button type="button" onClick={() => void copy()}>
              Copy
            </button>
            <a className="button primary" href={allocation.activationUrl} target="_blank" rel="noopener noreferrer">
              Open
            </a>
            <span>
              {allocation.activateBy === null ? (
                'No activation deadline'
              ) : (
                <>
                  Must be opened within <LocalCountdown at={allocation.activateBy} expiringMinutes={expiringMinutes} />
                </>
              )}
            </span>
          </div>
        </section>
      )}
    </section>
  );
}
