import { useState } from 'react';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';
import { useApp } from '../../store/use-app';
import { ErrorBox } from '../../ui/States';
import { DataTable } from '../../ui/DataTable';
import { PortalSelect, usePortalChoice } from '../allocate/portal-choice';

const MAX_FILE_BYTES = 5_000_000;
const BAD_ROW_COLUMNS = ['Line', 'Reason', 'Row'];
const ROSTER_COLUMNS = ['Line', 'User', 'Email', 'Status', 'Session', 'Reason'];

/** Saves text as a file through a Blob URL (nothing leaves the machine). */
function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function RosterView() {
  const { order, snapshots, portal, setPortal, env, setEnv, environments } = usePortalChoice();
  const portals = useApp((s) => s.portals);
  const fileName = useApp((s) => s.rosterFileName);
  const parse = useApp((s) => s.rosterParse);
  const state = useApp((s) => s.rosterState);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);

  const readFile = async (file: File) => {
    setError(null);
    if (file.size > MAX_FILE_BYTES) {
      setError(`${file.name} is larger than 5 MB.`);
      return;
    }
    const csv = await file.text();
    const r = await invoke('roster.parse', { csv });
    if (r.ok) appStore.getState().setRosterParse(file.name, r.data);
    else setError(`Could not read ${file.name}: ${r.error.message}`);
  };

  const call = async (p: Promise<Awaited<ReturnType<typeof invoke<'roster.get'>>>>) => {
    setBusy(true);
    const r = await p;
    if (r.ok) {
      appStore.getState().applyRosterState(r.data);
      // progress pushes can overtake this reply over the event stream; read the state again so a stale reply
      // never leaves the screen showing "running" after the roster has finished
      const latest = await invoke('roster.get', { rosterId: r.data.rosterId });
      if (latest.ok) appStore.getState().applyRosterState(latest.data);
    } else setError(r.error.message);
    setBusy(false);
  };

  const start = () => {
    if (!parse || !parse.rows.length) return;
    setError(null);
    const indexUrl = portals.find((p) => p.id === portal)?.defaultIndexUrl;
    void call(
      invoke('roster.start', { portalId: portal, environment: env, rows: parse.rows, ...(indexUrl ? { indexUrl } : {}) }),
    );
  };

  const exportCsv = async () => {
    if (!state) return;
    const r = await invoke('roster.exportCsv', { rosterId: state.rosterId });
    if (r.ok) download(r.data.filename, r.data.csv);
    else setError(r.error.message);
  };

  const running = state?.status === 'running';
  const done = state ? state.allocated + state.failed : 0;

  return (
    <section className="screen" aria-labelledby="roster-title">
      <h1 id="roster-title">Roster</h1>
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
        <p>Drop a CSV roster here (header <code>email,first_name,last_name</code>, optionally <code>user</code>), or</p>
        <label className="button">
          Choose a CSV file
          <input
            className="sr-only"
            type="file"
            accept=".csv,text/csv"
            data-testid="roster-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void readFile(f);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {error && <ErrorBox testId="roster-error">{error}</ErrorBox>}
      {parse && (
        <>
          <h2>
            {fileName}: {parse.rows.length} valid row{parse.rows.length === 1 ? '' : 's'}, {parse.errors.length} rejected
          </h2>
          {parse.errors.length > 0 && (
            <DataTable caption="Rows that will not be allocated" showCaption columns={BAD_ROW_COLUMNS} className="bad-rows" testId="roster-bad-rows">
              {parse.errors.map((e) => (
                <tr key={e.line}>
                  <td>{e.line}</td>
                  <td>{e.reason}</td>
                  <td className="mono">{e.raw}</td>
                </tr>
              ))}
            </DataTable>
          )}
          <div className="toolbar">
            <label>
              Portal{' '}
              <PortalSelect order={order} snapshots={snapshots} value={portal} onChange={setPortal} disabled={running} />
            </label>
            <label>
              Workshop{' '}
              <select value={env} onChange={(e) => setEnv(e.target.value)} disabled={running}>
                {environments.map((e) => (
                  <option key={e.name} value={e.name}>
                    {e.workshop.title || e.name} — {Math.max(0, e.capacity - e.allocated)} free
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="primary" disabled={busy || state !== null || !parse.rows.length || !env} onClick={start}
              title={state ? 'This roster has been allocated; choose the file again to run it again' : undefined}>
              Allocate {parse.rows.length} session{parse.rows.length === 1 ? '' : 's'}
            </button>
          </div>
        </>
      )}
      {state && (
        <section aria-labelledby="roster-progress-title" data-testid="roster-state" data-status={state.status}>
          <h2 id="roster-progress-title">
            Allocation {state.status}: {state.allocated} allocated, {state.failed} failed of {state.total}
          </h2>
          <progress max={state.total || 1} value={done} aria-label="Roster allocation progress" />
          <div className="toolbar">
            <button type="button" disabled={!running || busy} onClick={() => void call(invoke('roster.cancel', { rosterId: state.rosterId }))}>
              Cancel
            </button>
            <button
              type="button"
              disabled={running || busy || state.failed === 0}
              onClick={() => void call(invoke('roster.retryFailed', { rosterId: state.rosterId }))}
            >
              Retry failed
            </button>
            <button type="button" disabled={state.allocated === 0} onClick={() => void exportCsv()}>
              Export links as CSV
            </button>
          </div>
          <DataTable caption="Roster rows" columns={ROSTER_COLUMNS} testId="roster-rows">
            {state.rows.map((r) => (
              <tr key={r.line} data-status={r.status}>
                <td>{r.line}</td>
                <td>{r.user}</td>
                <td>{r.email}</td>
                <td>{r.status}</td>
                <td>{r.session ?? '—'}</td>
                <td>{r.reason ?? ''}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      )}
    </section>
  );
}
