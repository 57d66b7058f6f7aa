import { createStore } from 'zustand/vanilla';
import { createAlertsSlice, type AlertsSlice } from './alerts.slice';
import { createEventsSlice, type EventsSlice } from './events.slice';
import { createPeopleSlice, type PeopleSlice } from './people.slice';
import { createPortalsSlice, type PortalsSlice } from './portals.slice';
import { createSettingsSlice, type SettingsSlice } from './settings.slice';
import { createSnapshotSlice, type SnapshotSlice } from './snapshot.slice';
import { createUiSlice, type UiSlice } from './ui.slice';

export type AppState = PortalsSlice & SnapshotSlice & AlertsSlice & EventsSlice & SettingsSlice & UiSlice & PeopleSlice;

/** A fresh store from the slices; vanilla (no React) so slices are tested in Node. */
export function createAppStore() {
  return createStore<AppState>()((...a) => ({
    ...createPortalsSlice(...a),
    ...createSnapshotSlice(...a),
    ...createAlertsSlice(...a),
    ...createEventsSlice(...a),
    ...createSettingsSlice(...a),
    ...createUiSlice(...a),
    ...createPeopleSlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

/** The renderer's one store. */
export const appStore: AppStore = createAppStore();
