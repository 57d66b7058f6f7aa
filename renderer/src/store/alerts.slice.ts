import type { StateCreator } from 'zustand/vanilla';
import type { Alert } from '../../../shared/contract';
import type { AppState } from './app-store';

export const MAX_TOASTS = 4;
export const MAX_ALERT_HISTORY = 200;

export interface AlertsSlice {
  /** alerts shown as toasts, newest last */
  toasts: Alert[];
  /** every alert this run, newest first */
  alertHistory: Alert[];
  raiseAlert(alert: Alert): void;
  dismissToast(id: string): void;
  clearAlertHistory(): void;
}

export const createAlertsSlice: StateCreator<AppState, [], [], AlertsSlice> = (set) => ({
  toasts: [],
  alertHistory: [],
  raiseAlert: (alert) =>
    set((s) => {
      if (s.alertHistory.some((a) => a.id === alert.id)) return {};
      return {
        toasts: [...s.toasts, alert].slice(-MAX_TOASTS),
        alertHistory: [alert, ...s.alertHistory].slice(0, MAX_ALERT_HISTORY),
      };
    }),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  clearAlertHistory: () => set({ alertHistory: [] }),
});
