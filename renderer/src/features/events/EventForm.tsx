import { useEffect, useMemo, useState } from 'react';
import type { EventSummary } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { navigate } from '../../lib/router';
import { formatSeconds, fromDateTimeInput, toDateTimeInput } from '../../lib/time';
import { appStore } from '../../store/app-store';
import { useApp } from '../../store/use-app';
import { freeSlots } from '../../lib/gauges';
import { InputField } from '../../ui/Field';
import { Empty, ErrorBox } from '../../ui/States';
import { PortalSelect } from '../allocate/portal-choice';
import { DEFAULT_WINDOW_S, WINDOW_CHOICES, windowFromMinutes } from './activation-window';

const CUSTOM = 'custom';

/** the next full half hour, so a new event starts at a time people would pick */
function nextHalfHour(now: number): number {
  const step = 30 * 60_000;
  return Math.ceil(now / step) * step;
}

interface Draft {
  name: string;
  portalId: string;
  environments: string[];
  startsAt: string;
  endsAt: string;
  window: string;
  customMinutes: string;
  indexUrl: string;
}

function draftOf(e: EventSummary | null, firstPortal: string): Draft {
  const start = e?.startsAt ?? nextHalfHour(Date.now());
  const seconds = e?.activationWindowS ?? DEFAULT_WINDOW_S;
  const preset = WINDOW_CHOICES.some((c) => c.seconds === seconds);
  return {
    name: e?.name ?? '',
    portalId: e?.portalId ?? firstPortal,
    environments: e ? [...e.environments] : [],
    startsAt: toDateTimeInput(start),
    endsAt: toDateTimeInput(e?.endsAt ?? start + 4 * 3600_000),
    window: preset ? String(seconds) : CUSTOM,
    customMinutes: String(Math.round(seconds / 60)),
    indexUrl: e?.indexUrl ?? '',
  };
}

/**
 * Creates an event, or edits one (`event` given): name, portal, workshop environments (with live availability),
 * start and end, the activation window and the index URL.
 */
export function EventForm({ event = null }: { event?: EventSummary | null }) {
  const order = useApp((s) => s.portalOrder);
  const snapshots = useApp((s) => s.snapshots);
  const portals = useApp((s) => s.portals);
  const [draft, setDraft] = useState<Draft>(() => draftOf(event, order[0] ?? ''));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  useEffect(() => {
    if (!draft.portalId && order[0]) set({ portalId: order[0] });
  }, [order, draft.portalId]);

  const snapshot = snapshots[draft.portalId];
  const portal = portals.find((p) => p.id === draft.portalId);
  // environments chosen earlier that the portal no longer runs stay listed, so they can be unticked
  const choices = useMemo(() => {
    const running = snapshot?.environments ?? [];
    const missing = draft.environments.filter((n) => !running.some((e) => e.name === n));
    return [
      ...running.map((e) => ({ name: e.name, title: e.workshop.title || e.workshop.name || e.name, env: e })),
      ...missing.map((name) => ({ name, title: name, env: null })),
    ];
  }, [snapshot, draft.environments]);
  const used = event ? event.total - event.counts['not-allocated'] : 0;

  const windowS = draft.window === CUSTOM ? windowFromMinutes(draft.customMinutes) : Number(draft.window);

  const toggleEnv = (name: string, on: boolean) =>
    set({ environments: on ? [...draft.environments, name] : draft.environments.filter((n) => n !== name) });

  const submit = async () => {
    setError(null);
    const startsAt = fromDateTimeInput(draft.startsAt);
    const endsAt = fromDateTimeInput(draft.endsAt);
    if (!draft.name.trim()) return setError('Give the event a name.');
    if (!draft.portalId) return setError('Choose a portal.');
    if (draft.environments.length === 0) return setError('Choose at least one workshop.');
    if (startsAt === null || endsAt === null) return setError('Enter the start and end as a date and a time.');
    if (endsAt <= startsAt) return setError('The event must end after it starts.');
    if (typeof windowS === 'string') return setError(`Activation window: ${windowS}`);
    const fields = {
      name: draft.name.trim(),
      portalId: draft.portalId,
      environments: draft.environments,
      startsAt,
      endsAt,
      activationWindowS: windowS,
      indexUrl: draft.indexUrl.trim() || null,
    };
    setBusy(true);
    const requestedAt = performance.now();
    const r = event
      ? await invoke('events.update', { eventId: event.id, ...fields })
      : await invoke('events.create', fields);
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    appStore.getState().applyEventSummary(r.data, requestedAt);
    appStore.getState().setNotice(event ? `Saved ${r.data.name}` : `Created ${r.data.name}`);
    navigate({ name: 'event', eventId: r.data.id, tab: 'attendees' });
  };

  if (!order.length && !event) {
    return (
      <Empty>
        No portals to run an event on. <a href="#/portals">Add a portal</a>.
      </Empty>
    );
  }

  return (
    <form
      className="form-grid event-form"
      aria-label={event ? 'Edit event' : 'New event'}
      data-testid="event-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <InputField
        label="Name"
        className="wide"
        required
        value={draft.name}
        onValue={(v) => set({ name: v })}
        maxLength={200}
        autoComplete="off"
      />
      <label>
        Portal
        <PortalSelect
          order={order}
          snapshots={snapshots}
          value={draft.portalId}
          onChange={(portalId) => set({ portalId, environments: [] })}
          disabled={used > 0}
          label="Portal"
        />
      </label>
      <p className="form-hint">
        {used > 0
          ? 'The portal cannot change: attendees already had sessions on it.'
          : 'Sessions are allocated on this portal.'}
      </p>
      <fieldset className="wide env-choice" data-testid="event-environments">
        <legend>Workshops (the first ticked is the default for new attendees)</legend>
        {choices.length === 0 && <p className="muted">No workshops are running on this portal.</p>}
        {choices.map((c) => (
          <label className="check" key={c.name}>
            <input
              type="checkbox"
              checked={draft.environments.includes(c.name)}
              onChange={(e) => toggleEnv(c.name, e.target.checked)}
            />
            <span>
              {c.title} <span className="muted">({c.name})</span>
            </span>
            <span className="env-availability">
              {c.env ? `${freeSlots(c.env)} free of ${c.env.capacity}` : 'not running on the portal now'}
            </span>
          </label>
        ))}
      </fieldset>
      <InputField
        label="Starts"
        type="datetime-local"
        required
        value={draft.startsAt}
        onValue={(v) => set({ startsAt: v })}
      />
      <InputField
        label="Ends"
        type="datetime-local"
        required
        value={draft.endsAt}
        onValue={(v) => set({ endsAt: v })}
      />
      <label>
        Activation window
        <select value={draft.window} onChange={(e) => set({ window: e.target.value })} aria-describedby="window-hint">
          {WINDOW_CHOICES.map((c) => (
            <option key={c.seconds} value={String(c.seconds)}>
              {c.label}
            </option>
          ))}
          <option value={CUSTOM}>Other…</option>
        </select>
      </label>
      {draft.window === CUSTOM ? (
        <InputField
          label="Activation window in minutes (0 for none)"
          inputMode="numeric"
          value={draft.customMinutes}
          onValue={(v) => set({ customMinutes: v })}
          maxLength={6}
        />
      ) : (
        <span />
      )}
      <p className="form-hint" id="window-hint" data-testid="window-hint">
        How long an allocated session waits for its attendee to open the link: after that the portal deletes it and the
        link stops working
        {typeof windowS === 'number' && windowS > 0 ? ` (${formatSeconds(windowS)} after allocation)` : ''}. “None”
        keeps it waiting until it is opened or ended.
      </p>
      <InputField
        label="Index URL (where attendees land when their session ends)"
        className="wide"
        type="url"
        value={draft.indexUrl}
        onValue={(v) => set({ indexUrl: v })}
        placeholder={portal?.defaultIndexUrl || 'the portal’s default'}
        maxLength={2048}
      />
      <p className="form-hint">
        Leave it empty for the portal’s default{portal?.defaultIndexUrl ? ` (${portal.defaultIndexUrl})` : ''}.
      </p>
      {error && (
        <div className="wide">
          <ErrorBox testId="event-form-error">{error}</ErrorBox>
        </div>
      )}
      <div className="form-actions wide">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : event ? 'Save event' : 'Create event'}
        </button>
        <a className="button" href={event ? `#/event/${encodeURIComponent(event.id)}` : '#/events'}>
          Cancel
        </a>
      </div>
    </form>
  );
}
