import { memo, useLayoutEffect, useRef } from 'react';
import type { PortalSnapshot } from '../../../shared/contract';
import { statusView } from '../lib/status';
import { subscribeTick } from '../lib/ticker';

type Props = Pick<PortalSnapshot, 'status' | 'lastSeenAt' | 'lastError'>;

/** Portal status; "stale for N s" counts up on the shared ticker without re-rendering the card. */
export const StatusBadge = memo(function StatusBadge({ status, lastSeenAt, lastError }: Props) {
  const ref = useRef<HTMLSpanElement>(null);
  const view = statusView({ status, lastSeenAt, lastError }, Date.now());

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || (status !== 'stale' && status !== 'offline') || lastSeenAt === null) return;
    return subscribeTick((t) => {
      const v = statusView({ status, lastSeenAt, lastError }, t);
      if (el.textContent !== v.text) el.textContent = v.text;
    });
  }, [status, lastSeenAt, lastError]);

  return (
    <span className="status-badge" data-status={status} data-testid="portal-status" title={view.detail}>
      <span className="status-dot" aria-hidden="true" />
      <span ref={ref}>{view.text}</span>
    </span>
  );
});
