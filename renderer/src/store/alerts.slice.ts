import type { StateCreator } from 'zustand/vanilla';
import type { Alert } from '../../../shared/contract';
import type { AppState } from './app-store';

export const MAX_TOASTS = 4;
export const MAX_ALERT_HISTORY = 200;

export interface AlertsSlice {
  /** alerts shown as toasts, newest last */
  toasts: Alert[];
  /** the alert log (this run's alerts and those read back from console.db), newest first */
  alertHistory: Alert[];
  /**
   * A new alert, or a repeat of one the console grouped (same id, higher count): the repeat replaces the row and
   * shows again. The same alert delivered twice (a push and a read) changes nothing.
   */
  raiseAlert(alert: Alert): void;
  /** the log read from the console (oldest first): merged in without toasts, since these are past alerts */
  applyAlertLog(alerts: readonly Alert[]): void;
  /** marks alerts acknowledged (by this window or another) and takes their toasts away */
  applyAcknowledged(ids: readonly string[], at: number): void;
  dismissToast(id: string): void;
  clearAlertHistory(): void;
}

const sameAlert = (a: Alert, b: Alert) =>
  a.count === b.count && a.raisedAt === b.raisedAt && a.acknowledgedAt === b.acknowledgedAt;

const newestFirst = (list: Alert[]) => list.sort((a, b) => b.raisedAt - a.raisedAt).slice(0, MAX_ALERT_HISTORY);

export const createAlertsSlice: StateCreator<AppState, [], [], AlertsSlice> = (set) => ({
  toasts: [],
  alertHistory: [],
  raiseAlert: (alert) =>
    set((s) => {
      const held = s.alertHistory.find((a) => a.id === alert.id);
      if (held && sameAlert(held, alert)) return {};
      const rest = s.alertHistory.filter((a) => a.id !== alert.id);
      return {
        toasts:
          alert.acknowledgedAt === null
            ? [...s.toasts.filter((t) => t.id !== alert.id), alert].slice(-MAX_TOASTS)
            : s.toasts,
        alertHistory: newestFirst([alert, ...rest]),
      };
    }),
  applyAlertLog: (alerts) =>
    set((s) => {
      const byId = new Map(s.alertHistory.map((a) => [a.id, a]));
      let changed = false;
      for (const a of alerts) {
        const held = byId.get(a.id);
        // a push newer than the read (a higher count, an acknowledgement) wins
        if (
          held &&
          (sameAlert(held, a) || held.count > a.count || (held.acknowledgedAt !== null && a.acknowledgedAt === null))
        )
          continue;
        byId.set(a.id, a);
        changed = true;
      }
      return changed ? { alertHistory: newestFirst([...byId.values()]) } : {};
    }),
  applyAcknowledged: (ids, at) =>
    set((s) => {
      const acked = new Set(ids);
      return {
        toasts: s.toasts.filter((t) => !acked.has(t.id)),
        alertHistory: s.alertHistory.map((a) =>
          acked.has(a.id) && a.acknowledgedAt === null ? { ...a, acknowledgedAt: at } : a,
        ),
      };
    }),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  clearAlertHistory: () => set({ alertHistory: [] }),
});
