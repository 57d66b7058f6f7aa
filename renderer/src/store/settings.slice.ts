import type { StateCreator } from 'zustand/vanilla';
import type { Settings } from '../../../shared/contract';
import type { AppState } from './app-store';

export const DEFAULT_SETTINGS: Settings = {
  alerts: { capacityPercent: 90, expiringMinutes: 10, notifyOs: true },
  theme: 'system',
};

export interface SettingsSlice {
  /** defaults until the console answers, so thresholds always have a value */
  settings: Settings;
  settingsLoaded: boolean;
  setSettings(settings: Settings): void;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: DEFAULT_SETTINGS,
  settingsLoaded: false,
  setSettings: (settings) => set({ settings, settingsLoaded: true }),
});
