import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './app-store';

export type Connection = 'connecting' | 'open' | 'down';

export interface UiSlice {
  paletteOpen: boolean;
  connection: Connection;
  /** a one-line notice shown in the status bar (e.g. "Copied"), announced politely */
  notice: string | null;
  setPaletteOpen(open: boolean): void;
  setConnection(c: Connection): void;
  setNotice(notice: string | null): void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  paletteOpen: false,
  connection: 'connecting',
  notice: null,
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  setConnection: (connection) => set({ connection }),
  setNotice: (notice) => set({ notice }),
});
