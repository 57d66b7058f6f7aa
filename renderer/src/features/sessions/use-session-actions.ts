import { useCallback, useState } from 'react';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';

/** Extend / terminate one session, tracking which sessions have a call in flight. */
export function useSessionActions() {
  const [busy, setBusy] = useState<ReadonlySet<string>>(() => new Set());
  const mark = (name: string, on: boolean) =>
    setBusy((old) => {
      const next = new Set(old);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });

  const extend = useCallback(async (portalId: string, session: string) => {
    mark(session, true);
    const r = await invoke('sessions.extend', { portalId, session });
    mark(session, false);
    appStore
      .getState()
      .setNotice(
        r.ok
          ? r.data.extended
            ? `Extended ${session}`
            : `${session} was not extended (${r.data.status})`
          : `Could not extend ${session}: ${r.error.message}`,
      );
    return r.ok;
  }, []);

  const terminate = useCallback(async (portalId: string, session: string) => {
    mark(session, true);
    const r = await invoke('sessions.terminate', { portalId, session });
    mark(session, false);
    appStore
      .getState()
      .setNotice(r.ok ? `Terminating ${session}` : `Could not terminate ${session}: ${r.error.message}`);
    return r.ok;
  }, []);

  return { busy, extend, terminate };
}
