import { BrowserWindow, dialog } from 'electron';
import { recoverRendererCrashes } from './renderer-recovery';
import { createWindowOptions } from './window-options';

export interface MainWindowOptions {
  preloadPath: string;
  /** `dist/renderer/index.html` */
  rendererIndex: string;
  /** load this instead (development server), only when unpackaged */
  devServerUrl: string | null;
  log: (line: string) => void;
}

/** The console's one window, with the options of `window-options.ts` unchanged. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(createWindowOptions({ preloadPath: options.preloadPath }));
  win.once('ready-to-show', () => win.show());
  // Pages may not retitle the window: the title is the app's name.
  win.on('page-title-updated', (event) => event.preventDefault());
  // A crashed renderer is reloaded (the page keeps no state of its own), but not in a loop.
  recoverRendererCrashes(win.webContents, {
    log: options.log,
    giveUp: (message) => dialog.showErrorBox('Portal Console: the window keeps crashing', message),
  });
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
