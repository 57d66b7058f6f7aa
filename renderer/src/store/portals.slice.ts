import type { StateCreator } from 'zustand/vanilla';
import type { KeychainStatus, PortalView } from '../../../shared/contract';
import type { AppState } from './app-store';

export interface AppInfo {
  version: string;
  mode: 'electron' | 'web';
  keychain: KeychainStatus;
  settingsWarning: string | null;
}

export interface PortalsSlice {
  portals: PortalView[];
  portalsLoaded: boolean;
  appInfo: AppInfo | null;
  setPortals(portals: PortalView[]): void;
  upsertPortal(portal: PortalView): void;
  dropPortal(id: string): void;
  setAppInfo(info: AppInfo): void;
}

export const createPortalsSlice: StateCreator<AppState, [], [], PortalsSlice> = (set) => ({
  portals: [],
  portalsLoaded: false,
  appInfo: null,
  setPortals: (portals) => set({ portals, portalsLoaded: true }),
  upsertPortal: (portal) =>
    set((s) => {
      const i = s.portals.findIndex((p) => p.id === portal.id);
      const portals = i < 0 ? [...s.portals, portal] : s.portals.map((p) => (p.id === portal.id ? portal : p));
      return { portals };
    }),
  dropPortal: (id) => set((s) => ({ portals: s.portals.filter((p) => p.id !== id) })),
  setAppInfo: (appInfo) => set({ appInfo }),
});
