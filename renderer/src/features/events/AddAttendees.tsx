import { useState } from 'react';
import type { AttendeeParse, AttendeeSource } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { DataTable } from '../../ui/DataTable';
import { PersonFields } from './PersonFields';
import { ErrorBox } from '../../ui/States';

const MAX_FILE_BYTES = 5_000_000;
const BAD_ROW_COLUMNS = ['Line', 'Reason', 'Row'];

type Mode = 'csv' | 'paste' | 'one';

interface Preview {
  what: string;
  source: AttendeeSource;
  parse: AttendeeParse;
}

export interface AddOutcome {
  added: number;
  skipped: { email: string; reason: string }[];
  source: AttendeeSource;
}

interface Props {
  eventId: string;
  environments: readonly { name: string; title: string }[];
  /** after attendees were added (some may have been skipped as already in the event) */
  onAdded(outcome: AddOutcome): void;
}

/** The workshop new attendees get, when the event has more than one (otherwise the only one). */
function EnvironmentChoice({
  environments,
  value,
  onChange,
}: Pick<Props, 'environments'> & { value: string; onChange(v: string): void }) {
  if (environments.length < 2) return null;
  return (
    <label>
      Workshop for these attendees{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {environments.map((e) => (
          <option key={e.name} value={e.name}>
            {e.title} ({e.name})
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * Adds attendees from a CSV file (dropped or chosen), from pasted `Name <email>` lines, or one at a time. Files and
 * pastes are checked by the console first (`events.parseAttendees`): rejected rows are listed with their line and
 * reason, and only the valid rows are added.
 */
export function AddAttendees({ eventId, environments, onAdded }: Props) {
  const [mode, setMode] = useState<Mode>('csv');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [paste, setPaste] = useState('');
  const [one, setOne] = useState({ firstName: '', lastName: '', email: '', user: '' });
  const [env, setEnv] = useState(environments[0]?.name ?? '');
  const environment = environments.some((e) => e.name === env) ? env : environments[0]?.name;

  const check = async (text: string, format: 'csv' | 'lines', what: string, source: AttendeeSource) => {
    setError(null);
    setBusy(true);
    const r = await invoke('events.parseAttendees', { text, format });
    setBusy(false);
    if (r.ok) setPreview({ what, source, parse: r.data });
    else setError(`Could not read ${what}: ${r.error.message}`);
  };

  const readFile = async (file: File) => {
    if (file.size > MAX_FILE_BYTES) {
      setError(`${file.name} is larger than 5 MB.`);
      return;
    }
    await check(await file.text(), 'csv', file.name, 'csv');
  };

  const add = async (
    rows: { email: string; firstName: string; lastName: string; user?: string }[],
    source: AttendeeSource,
  ) => {
    setError(null);
    setBusy(true);
    const r = await invoke('events.addAttendees', {
      eventId,
      source,
      attendees: rows.map((x) => ({
        email: x.email,
        firstName: x.firstName,
        lastName: x.lastName,
        ...(x.user ? { user: x.user } : {}),
        ...(environment ? { environment } : {}),
      })),
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return false;
    }
    onAdded({ added: r.data.added.length, skipped: r.data.skipped, source });
    return true;
  };

  const addPreview = async () => {
    if (!preview) return;
    // the CSV's own user column is kept; a paste derives user ids in the console as the CSV does
    const rows = preview.parse.rows.map((x) => ({ ...x, ...(preview.source === 'csv' ? {} : { user: '' }) }));
    if (await add(rows, preview.source)) {
      setPreview(null);
      if (preview.source === 'paste') setPaste('');
    }
  };

  const switchMode = (m: Mode) => {
    setMode(m);
    setPreview(null);
    setError(null);
  };

  return (
    <section className="panel add-attendees" aria-labelledby="add-title" data-testid="add-attendees">
      <h2 id="add-title">Add attendees</h2>
      <div className="segmented" role="group" aria-label="How to add attendees">
        {(
          [
            ['csv', 'From a CSV file'],
            ['paste', 'Paste a list'],
            ['one', 'One person'],
          ] as const
        ).map(([m, label]) => (
          <button key={m} type="button" aria-pressed={mode === m} onClick={() => switchMode(m)}>
            {label}
          </button>
        ))}
      </div>
      <EnvironmentChoice environments={environments} value={environment ?? ''} onChange={setEnv} />
      {mode === 'csv' && (
        <div
          className="dropzone"
          data-dragging={dragging}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            const f = e.dataTransfer.files[0];
            if (f) void readFile(f);
          }}
        >
          <p>
            Drop a CSV file here (header <code>email,first_name,last_name</code>, optionally <code>user</code>), or
          </p>
          <label className="button">
            Choose a CSV file
            <input
              className="sr-only"
              type="file"
              accept=".csv,text/csv"
              data-testid="attendee-file"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void readFile(f);
                e.target.value = '';
              }}
            />
          </label>
        </div>
      )}
      {mode === 'paste' && (
        <form
          className="paste-form"
          onSubmit={(e) => {
            e.preventDefault();
            void check(paste, 'lines', 'the pasted list', 'paste');
          }}
        >
          <label>
            <span>
              One person per line: <code>Ada Lovelace &lt;ada@example.org&gt;</code> or just an email (a mail client’s
              To: line works too)
            </span>
            <textarea
              value={paste}
              onChange={(e) => setPaste(e.target.value)}
              rows={6}
              maxLength={5_000_000}
              data-testid="attendee-paste"
            />
          </label>
          <div className="form-actions">
            <button type="submit" disabled={busy || !paste.trim()}>
              Check the list
            </button>
          </div>
        </form>
      )}
      {mode === 'one' && (
        <form
          className="form-grid one-person"
          aria-label="Add one person"
          onSubmit={(e) => {
            e.preventDefault();
            void add([{ ...one, user: one.user.trim() }], 'manual').then(
              (ok) => ok && setOne({ firstName: '', lastName: '', email: '', user: '' }),
            );
          }}
        >
          <PersonFields value={one} onChange={setOne} userOptional />
          <div className="form-actions wide">
            <button type="submit" className="primary" disabled={busy || !one.email.trim()}>
              Add attendee
            </button>
          </div>
        </form>
      )}
      {error && <ErrorBox testId="add-error">{error}</ErrorBox>}
      {preview && (
        <div className="preview" data-testid="attendee-preview">
          <h3>
            {preview.what}: {preview.parse.rows.length} valid row{preview.parse.rows.length === 1 ? '' : 's'},{' '}
            {preview.parse.errors.length} rejected
          </h3>
          {preview.parse.errors.length > 0 && (
            <DataTable
              caption="Rows that will not be added"
              showCaption
              columns={BAD_ROW_COLUMNS}
              className="bad-rows"
              testId="attendee-bad-rows"
            >
              {preview.parse.errors.map((e, i) => (
                <tr key={`${e.line}-${i}`}>
                  <td>{e.line}</td>
                  <td>{e.reason}</td>
                  <td className="mono">{e.raw}</td>
                </tr>
              ))}
            </DataTable>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="primary"
              disabled={busy || preview.parse.rows.length === 0}
              onClick={() => void addPreview()}
            >
              Add {preview.parse.rows.length} attendee{preview.parse.rows.length === 1 ? '' : 's'}
            </button>
            <button type="button" disabled={busy} onClick={() => setPreview(null)}>
              Discard
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

/** What the last add did: how many were added, and who was not (already in the event, bad user id…). */
export function AddOutcomeBox({ outcome, onDismiss }: { outcome: AddOutcome; onDismiss(): void }) {
  return (
    <div className="outcome" role="status" data-testid="add-outcome" data-added={outcome.added}>
      <span>
        Added {outcome.added} attendee{outcome.added === 1 ? '' : 's'}.
        {outcome.skipped.length > 0 && ` ${outcome.skipped.length} not added:`}
      </span>
      <button type="button" className="small" onClick={onDismiss}>
        Dismiss
      </button>
      {outcome.skipped.length > 0 && (
        <ul>
          {outcome.skipped.slice(0, 20).map((s) => (
            <li key={s.email}>
              {s.email}: {s.reason}
            </li>
          ))}
          {outcome.skipped.length > 20 && <li>… and {outcome.skipped.length - 20} more</li>}
        </ul>
      )}
    </div>
  );
}
