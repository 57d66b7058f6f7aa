import { useStore } from 'zustand';
import { appStore, type AppState } from './app-store';

/** Subscribes a component to one slice of the store; re-renders only when the selected value changes. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
