import { useState } from 'react';
import type { PortalView } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';
import { reloadPortals } from '../../store/sync';
import { useApp } from '../../store/use-app';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { DataTable } from '../../ui/DataTable';
import { Empty, ErrorBox, Loading } from '../../ui/States';
import { StatusBadge } from '../../ui/StatusBadge';
import { PortalForm } from './PortalForm';

const PORTAL_COLUMNS = ['Label', 'URL', 'Status', 'Poll', 'Secrets', 'Actions'];

export function PortalsView() {
  const portals = useApp((s) => s.portals);
  const loaded = useApp((s) => s.portalsLoaded);
  const info = useApp((s) => s.appInfo);
  const snapshots = useApp((s) => s.snapshots);
  const [editing, setEditing] = useState<PortalView | 'new' | null>(null);
  const [removing, setRemoving] = useState<PortalView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, string>>({});

  const test = async (p: PortalView) => {
    setTests((t) => ({ ...t, [p.id]: 'Testing…' }));
    const r = await invoke('portals.test', { id: p.id });
    const msg = r.ok
      ? r.data.ok
        ? `OK: ${r.data.portalName ?? ''} in ${Math.round(r.data.latencyMs)} ms`
        : `Failed: ${r.data.message}`
      : `Failed: ${r.error.message}`;
    setTests((t) => ({ ...t, [p.id]: msg }));
  };

  // The built-in portal cannot be removed (the console runs it); it is switched off and on instead.
  const toggle = async (p: PortalView) => {
    setError(null);
    const r = await invoke('portals.update', { id: p.id, enabled: !p.enabled });
    if (r.ok) {
      appStore.getState().upsertPortal(r.data);
      appStore.getState().setNotice(`${r.data.label} switched ${r.data.enabled ? 'on' : 'off'}`);
    } else setError(r.error.message);
  };

  const remove = async () => {
    if (!removing) return;
    const r = await invoke('portals.remove', { id: removing.id });
    if (r.ok) {
      appStore.getState().dropPortal(removing.id);
      appStore
        .getState()
        .removePortalSnapshot({ portalId: removing.id, revision: r.data.revision, epoch: r.data.epoch });
      appStore.getState().setNotice(`Removed ${removing.label}`);
    } else setError(r.error.message);
    setRemoving(null);
  };

  return (
    <section className="screen" aria-labelledby="portals-title">
      <h1 id="portals-title">Portals</h1>
      {info && (
        <div className="panel keychain" data-available={info.keychain.available} data-testid="keychain-status">
          <strong>Keychain: {info.keychain.available ? 'available' : 'not available'}</strong> ({info.keychain.backend}
          ). {info.keychain.message}
          {info.settingsWarning && <p className="warning">{info.settingsWarning}</p>}
        </div>
      )}
      {error && <ErrorBox>{error}</ErrorBox>}
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')} disabled={editing !== null}>
          Add portal
        </button>
      </div>
      {editing !== null && (
        <PortalForm
          key={editing === 'new' ? 'new' : editing.id}
          portal={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) {
              appStore.getState().upsertPortal(saved);
              appStore.getState().setNotice(`Saved ${saved.label}`);
              void reloadPortals(appStore);
            }
          }}
        />
      )}
      {!loaded && <Loading what="portals" />}
      {loaded && portals.length === 0 && <Empty>No portals configured.</Empty>}
      {portals.length > 0 && (
        <DataTable caption="Configured portals" columns={PORTAL_COLUMNS} testId="portals-table">
          {portals.map((p) => {
            const snap = snapshots[p.id];
            return (
              <tr key={p.id} data-testid="portal-row" data-portal-id={p.id}>
                <td>
                  {p.label}
                  {p.builtin && <span className="tag">built-in</span>}
                </td>
                <td className="mono">{p.baseUrl}</td>
                <td>
                  {snap ? (
                    <StatusBadge status={snap.status} lastSeenAt={snap.lastSeenAt} lastError={snap.lastError} />
                  ) : p.enabled ? (
                    '—'
                  ) : (
                    'disabled'
                  )}
                </td>
                <td>{Math.round(p.pollIntervalMs / 1000)} s</td>
                <td>
                  {p.secrets.clientSecret && p.secrets.password
                    ? p.secrets.persisted
                      ? 'in keychain'
                      : 'in memory (this run)'
                    : 'missing'}
                </td>
                <td>
                  <div className="actions">
                    <button type="button" className="small" onClick={() => void test(p)} aria-label={`Test ${p.label}`}>
                      Test
                    </button>
                    <button
                      type="button"
                      className="small"
                      onClick={() => setEditing(p)}
                      aria-label={`Edit ${p.label}`}
                      disabled={editing !== null}
                    >
                      Edit
                    </button>
                    {p.builtin ? (
                      <button
                        type="button"
                        className="small"
                        onClick={() => void toggle(p)}
                        aria-label={`${p.enabled ? 'Switch off' : 'Switch on'} ${p.label}`}
                      >
                        {p.enabled ? 'Switch off' : 'Switch on'}
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="small danger"
                        onClick={() => setRemoving(p)}
                        aria-label={`Remove ${p.label}`}
                      >
                        Remove
                      </button>
                    )}
                    {tests[p.id] && (
                      <span className="test-result" role="status" data-testid="portal-test">
                        {tests[p.id]}
                      </span>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.label ?? ''}?`}
        confirmLabel="Remove"
        danger
        onCancel={() => setRemoving(null)}
        onConfirm={() => void remove()}
      >
        <p>The console stops monitoring it and forgets its stored secrets. Sessions on the portal are not touched.</p>
      </ConfirmDialog>
    </section>
  );
}
