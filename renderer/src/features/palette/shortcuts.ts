import { navigate } from '../../lib/router';
import { SCREENS } from './commands';
import { appStore } from '../../store/app-store';

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Global keys: Ctrl/Cmd+K palette; "g" then a letter to go to a screen; "/" focuses the screen's search box.
 */
export function installShortcuts(): () => void {
  let pendingG = 0;
  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      appStore.getState().setPaletteOpen(!appStore.getState().paletteOpen);
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || appStore.getState().paletteOpen) return;
    if (e.key === '/') {
      const box = document.querySelector<HTMLInputElement>('[data-shortcut-search]');
      if (box) {
        e.preventDefault();
        box.focus();
      }
      return;
    }
    if (e.key === 'g') {
      pendingG = Date.now();
      return;
    }
    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      const screen = SCREENS.find((s) => s.key === e.key);
      if (screen) {
        e.preventDefault();
        navigate(screen.route);
      }
    }
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
