import type { Settings } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';

/** "system" leaves the choice to the prefers-color-scheme media query in the stylesheet. */
export function applyTheme(theme: Settings['theme']): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset['theme'];
  else root.dataset['theme'] = theme;
}

export async function setTheme(theme: Settings['theme']): Promise<void> {
  const current = appStore.getState().settings;
  const next = { ...current, theme };
  appStore.getState().setSettings(next);
  const r = await invoke('settings.update', next);
  if (r.ok) appStore.getState().setSettings(r.data);
  else appStore.getState().setNotice(`Theme not saved: ${r.error.message}`);
}
