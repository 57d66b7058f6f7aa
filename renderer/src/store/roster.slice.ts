import type { StateCreator } from 'zustand/vanilla';
import type { RosterParse, RosterState } from '../../../shared/contract';
import type { AppState } from './app-store';

export interface RosterSlice {
  rosterFileName: string | null;
  rosterParse: RosterParse | null;
  rosterState: RosterState | null;
  setRosterParse(fileName: string, parse: RosterParse): void;
  /** takes a state from a call or a `roster.progress` push; pushes for other rosters are ignored */
  applyRosterState(state: RosterState): void;
  clearRoster(): void;
}

export const createRosterSlice: StateCreator<AppState, [], [], RosterSlice> = (set) => ({
  rosterFileName: null,
  rosterParse: null,
  rosterState: null,
  setRosterParse: (rosterFileName, rosterParse) => set({ rosterFileName, rosterParse, rosterState: null }),
  applyRosterState: (state) =>
    set((s) => {
      if (s.rosterState && s.rosterState.rosterId !== state.rosterId) return {};
      return { rosterState: state };
    }),
  clearRoster: () => set({ rosterFileName: null, rosterParse: null, rosterState: null }),
});
