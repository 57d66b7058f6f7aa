import { useState } from 'react';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';

/** "Retry now" for a failing portal: polls it at once and shows its new snapshot; `note` says how it went. */
export function useRetry(portalId: string) {
  const [retrying, setRetrying] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const retry = async () => {
    setRetrying(true);
    setNote(null);
    const r = await invoke('portals.retryNow', { id: portalId });
    setRetrying(false);
    if (!r.ok) setNote(`Could not retry: ${r.error.message}`);
    else {
      appStore.getState().applyPortalSnapshot(r.data);
      setNote(r.data.status === 'live' ? 'Connected again' : 'Still failing');
    }
  };
  return { retrying, note, retry: () => void retry() };
}
