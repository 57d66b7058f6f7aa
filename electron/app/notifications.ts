import { Notification } from 'electron';
import type { Alert } from '../../shared/contract';
import type { ConsoleCore } from '../services/core-types';

const TITLES: Record<Alert['kind'], string> = {
  capacity: 'Capacity running low',
  'portal-offline': 'Portal offline',
  'credentials-rejected': 'Portal credentials rejected',
  expiring: 'Sessions expiring soon',
  'portal-recovered': 'Portal back',
  'capacity-recovered': 'Capacity free again',
};

/**
 * OS notifications for `alerts.raised`, when the user's settings allow them. Raised by main (the renderer has
 * no notification permission). Clicking one brings the console to the front. Returns the unsubscribe.
 */
export function setupNotifications(core: ConsoleCore, focus: () => void): () => void {
  return core.events.on('alerts.raised', (alert) => {
    if (!Notification.isSupported()) return;
    core.handlers['settings.get']({}).then(
      (settings) => {
        if (!settings.alerts.notifyOs) return;
        const notification = new Notification({ title: TITLES[alert.kind], body: alert.message, silent: false });
        notification.on('click', focus);
        notification.show();
      },
      () => undefined,
    );
  });
}
