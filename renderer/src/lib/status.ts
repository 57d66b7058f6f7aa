import type { PortalSnapshot, PortalStatus } from '../../../shared/contract';
import { formatAge } from './countdown';

export interface StatusView {
  status: PortalStatus;
  /** short text on the badge */
  text: string;
  /** longer explanation for the title and screen readers */
  detail: string;
}

const base: Record<PortalStatus, string> = {
  connecting: 'Connecting',
  live: 'Live',
  stale: 'Stale',
  offline: 'Offline',
  'credentials-rejected': 'Credentials rejected',
  disabled: 'Disabled',
};

export function statusView(s: Pick<PortalSnapshot, 'status' | 'lastSeenAt' | 'lastError'>, nowMs: number): StatusView {
  const seen = s.lastSeenAt === null ? null : formatAge(s.lastSeenAt, nowMs);
  let text = base[s.status];
  if (s.status === 'stale' && seen) text = `Stale for ${seen}`;
  if (s.status === 'offline' && seen) text = `Offline (last seen ${seen} ago)`;
  const parts = [text];
  if (s.lastError && s.status !== 'live') parts.push(s.lastError);
  if (s.status === 'live' && seen) parts.push(`updated ${seen} ago`);
  return { status: s.status, text, detail: parts.join(' — ') };
}

/** Statuses whose numbers are not current: shown dimmed. */
export function isDegraded(status: PortalStatus): boolean {
  return status !== 'live';
}
