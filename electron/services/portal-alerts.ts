import type { Alert, Settings } from '../../shared/contract';
import type { Catalog } from './portal-schemas';

export type AlertDraft = Pick<Alert, 'kind' | 'environment' | 'session' | 'message'>;

interface Expiry {
  environment: string;
  session: string;
  user: string;
  expiresMs: number;
  /** the alert's key: an extended session gets a new `expires`, hence a new key */
  key: string;
}

/**
 * The alerts of one portal, each raised once per condition rather than on every poll: an environment at or above
 * the capacity threshold (again only after it dropped below), the portal going offline or rejecting the
 * credentials (again only after it recovered), a RUNNING session expiring within the window (once per session and
 * expiry time, so an extended session can be announced again). The end of a capacity condition is announced once
 * as a recovery; it is not held as a condition.
 */
export class PortalAlerts {
  /** conditions currently raised */
  private readonly raised = new Set<string>();
  /** the catalog's RUNNING sessions that expire, with `expires` parsed: built once per catalog, not on every poll */
  private expiries: { catalog: Catalog | null; sessions: Expiry[] } = { catalog: null, sessions: [] };

  constructor(
    private readonly settings: () => Settings,
    private readonly raiseAlert: (key: string, alert: AlertDraft) => void,
  ) {}

  raise(key: string, alert: AlertDraft): void {
    if (this.raised.has(key)) return;
    this.raised.add(key);
    this.raiseAlert(key, alert);
  }

  /** true when the condition was raised (its end is then worth a recovery alert) */
  clear(key: string): boolean {
    return this.raised.delete(key);
  }

  checkCapacity(catalog: Catalog, portalLabel: string): void {
    const threshold = this.settings().alerts.capacityPercent;
    for (const e of catalog.environments) {
      const key = `capacity:${e.name}`;
      const percent = e.capacity > 0 ? (e.allocated / e.capacity) * 100 : 0;
      if (e.capacity > 0 && percent >= threshold) {
        this.raise(key, {
          kind: 'capacity',
          environment: e.name,
          session: null,
          message:
            `${e.workshop.title || e.name} on ${portalLabel} is at ${Math.round(percent)}% of its capacity ` +
            `(${e.allocated} of ${e.capacity} allocated)`,
        });
      } else if (this.raised.delete(key)) {
        const message =
          `${e.workshop.title || e.name} on ${portalLabel} is below ${threshold}% of its capacity again ` +
          `(${e.allocated} of ${e.capacity} allocated)`;
        this.raiseAlert(`capacity-recovered:${e.name}`, {
          kind: 'capacity-recovered',
          environment: e.name,
          session: null,
          message,
        });
      }
    }
  }

  /** `portalNow`: the portal's clock (local time plus its offset), which `expires` is in */
  checkExpiring(catalog: Catalog, portalNow: number, portalLabel: string): void {
    const windowMs = this.settings().alerts.expiringMinutes * 60_000;
    const live = new Set<string>();
    for (const x of this.expiriesOf(catalog)) {
      const left = x.expiresMs - portalNow;
      if (left > 0 && left <= windowMs) {
        live.add(x.key);
        if (this.raised.has(x.key)) continue;
        this.raise(x.key, {
          kind: 'expiring',
          environment: x.environment,
          session: x.session,
          message:
            `${x.session} (${x.user || 'unknown user'}) on ${portalLabel} ` +
            `expires in ${Math.max(1, Math.round(left / 60_000))} min`,
        });
      }
    }
    // An extended session gets a new `expires`, hence a new key: it may be announced again later.
    for (const key of this.raised) if (key.startsWith('expiring:') && !live.has(key)) this.raised.delete(key);
  }

  /** the RUNNING sessions with a valid `expires`; an unchanged poll returns the same catalog, so this is kept */
  private expiriesOf(catalog: Catalog): Expiry[] {
    if (this.expiries.catalog === catalog) return this.expiries.sessions;
    const sessions: Expiry[] = [];
    for (const e of catalog.environments) {
      for (const s of e.sessions) {
        if (s.state !== 'RUNNING' || !s.expires) continue;
        const expiresMs = Date.parse(s.expires);
        if (!Number.isFinite(expiresMs)) continue;
        sessions.push({
          environment: e.name,
          session: s.name,
          user: s.user,
          expiresMs,
          key: `expiring:${s.name}:${s.expires}`,
        });
      }
    }
    this.expiries = { catalog, sessions };
    return sessions;
  }
}
