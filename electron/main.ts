/**
 * Electron's composition root: it builds the services and wires them together, nothing more. The policies
 * live in `app/` (security, window, notifications), the transports in `ipc/`, the engine's process in
 * `engine-host/`, and the console itself in `services/`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { APP_FOLDER_NAME, consoleDataDir, engineDataDir } from './app/app-paths';
import { bootConsole, type BootedConsole } from './app/console-boot';
import { setupNotifications } from './app/notifications';
import { setupSecurity } from './app/security';
import { createMainWindow, focusWindow } from './app/window';
import { startUtilityEngine } from './engine-host/utility-engine-host';
import { createDispatcher } from './ipc/dispatch';
import { describeError } from './ipc/redact';
import { forwardEvents, registerHandlers } from './ipc/register-handlers';
import { createSenderCheck } from './ipc/sender-policy';
import { ensurePrivateDir } from './common/private-files';

const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
const preloadPath = path.join(__dirname, '..', 'preload', 'preload.js');
// A development server only for an unpackaged app: a packaged one always loads its own files.
const devServerUrl = !app.isPackaged ? (process.env['PORTAL_CONSOLE_DEV_URL'] ?? null) : null;
const appUrl = devServerUrl ?? pathToFileURL(rendererIndex).href;

// The data folder: `<appData>/portal-console` whatever the product name of a packaged build, so Electron and
// web mode share it; PORTAL_CONSOLE_USER_DATA picks another (tests, a second profile). Set before the
// single-instance lock, which lives there.
const userDataOverride = process.env['PORTAL_CONSOLE_USER_DATA'];
app.setPath(
  'userData',
  userDataOverride ? path.resolve(userDataOverride) : path.join(app.getPath('appData'), APP_FOLDER_NAME),
);

let mainWindow: BrowserWindow | null = null;
let booted: BootedConsole | null = null;
let shuttingDown: Promise<void> | null = null;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  // Electron's profile (and the console's folders inside it) stays private even where it existed with looser modes.
  ensurePrivateDir(userData);
  // Locks, secret store, built-in engine (a utilityProcess, supervised), core: the sequence web mode uses too.
  // A busy data folder ends start-up with the message; an engine that does not start does not.
  const started = await bootConsole({
    mode: 'electron',
    version: app.getVersion(),
    consoleDir: consoleDataDir(userData),
    engine: {
      dataDir: engineDataDir(userData),
      start: (options) => startUtilityEngine(options, { log: (line) => log(`engine: ${line}`) }),
    },
    log,
  });
  booted = started;
  const core = started.core;

  const dispatch = createDispatcher({ handlers: core.handlers, validateOutput: !app.isPackaged });
  const isTrustedSender = createSenderCheck({ rendererUrl: pathToFileURL(rendererIndex).href, devServerUrl });
  started.defer(registerHandlers({ ipcMain, dispatch, isTrustedSender }));
  started.defer(forwardEvents(core.events, () => mainWindow?.webContents ?? null));
  started.defer(setupNotifications(core, () => focusWindow(mainWindow)));

  openWindow();
}

function openWindow(): void {
  mainWindow = createMainWindow({ preloadPath, rendererIndex, devServerUrl, log });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

async function shutdown(): Promise<void> {
  // Reverse order of start: IPC and events first, then the core, then the engine's process, then the locks.
  await booted?.close();
}

if (!app.requestSingleInstanceLock()) {
  // Threat/cost: two consoles on one data folder would fight over settings and the engine's database.
  app.quit();
} else {
  setupSecurity({ appUrl });

  app.on('second-instance', () => focusWindow(mainWindow));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (mainWindow === null && booted !== null && shuttingDown === null) openWindow();
  });
  app.on('before-quit', (event) => {
    if (shuttingDown === null) {
      event.preventDefault();
      shuttingDown = shutdown().finally(() => app.quit());
    }
  });

  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      const detail = describeError(err);
      log(`portal-console: could not start: ${detail}`);
      dialog.showErrorBox('Portal Console could not start', detail.split('\n')[0] ?? detail);
      app.exit(1);
    });
}
