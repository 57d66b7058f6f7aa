import { BrowserWindow } from 'electron';
import { createWindowOptions } from './window-options';

export interface MainWindowOptions {
  preloadPath: string;
  /** `dist/renderer/index.html` */
  rendererIndex: string;
  /** load this instead (development server), only when unpackaged */
  devServerUrl: string | null;
}

/** The console's one window, with the options of `window-options.ts` unchanged. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(createWindowOptions({ preloadPath: options.preloadPath }));
  win.once('ready-to-show', () => win.show());
  // Pages may not retitle the window: the title is the app's name.
  win.on('page-title-updated', (event) => event.preventDefault());
  if (options.devServerUrl) void win.loadURL(options.devServerUrl);
  else void win.loadFile(options.rendererIndex);
  return win;
}

export function focusWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
