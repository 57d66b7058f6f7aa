import { useCallback, useEffect, useState } from 'react';
import type { CheckinStatus, MethodInput } from '../../../../shared/contract';
import { invoke, on, onConnection } from '../../lib/api';

type Action = 'checkin.configure' | 'checkin.start' | 'checkin.stop';

/**
 * An event's check-in page as the console reports it: read once, then kept current by `checkin.changed` pushes
 * (starts, stops, failures, counts), and read again when the connection comes back (pushes may have been missed).
 */
export function useCheckin(eventId: string) {
  const [status, setStatus] = useState<CheckinStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const load = async () => {
      const r = await invoke('checkin.get', { eventId });
      if (!live) return;
      if (r.ok) setStatus(r.data);
      else setError(r.error.message);
    };
    const offPush = on('checkin.changed', (s) => {
      if (s.eventId === eventId) setStatus(s);
    });
    const offConnection = onConnection((state) => {
      if (state === 'open') void load();
    });
    void load();
    return () => {
      live = false;
      offPush();
      offConnection();
    };
  }, [eventId]);

  const run = useCallback(async <M extends Action>(method: M, input: MethodInput<M>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    const r = await invoke(method, input);
    setBusy(false);
    if (r.ok) setStatus(r.data);
    else setError(r.error.message);
    return r.ok;
  }, []);

  return { status, error, busy, run, clearError: () => setError(null) };
}
