import { useEffect, useState } from 'react';

/** The time, refreshed every `everyMs`: for lists whose entries depend on the clock (sessions ending soon). */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(t);
  }, [everyMs]);
  return now;
}
