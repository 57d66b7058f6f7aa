/**
 * Electron's composition root: it builds the services and wires them together, nothing more. The policies
 * live in `app/` (security, window, notifications), the transports in `ipc/`, the engine's process in
 * `engine-host/`, and the console itself in `services/`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { APP_FOLDER_NAME, consoleDataDir, engineDataDir } from './app/app-paths';
import { acquireDataLock } from './app/data-lock';
import { setupNotifications } from './app/notifications';
import { setupSecurity } from './app/security';
import { createMainWindow, focusWindow } from './app/window';
import { superviseEngine, type EngineHandle } from './engine-host/engine-host';
import { engineCredentials } from './engine-host/engine-protocol';
import { startUtilityEngine } from './engine-host/utility-engine-host';
import { createDispatcher } from './ipc/dispatch';
import { describeError } from './ipc/redact';
import { forwardEvents, registerHandlers } from './ipc/register-handlers';
import { createSenderCheck } from './ipc/sender-policy';
import { loadBuiltinCredentials } from './services/builtin-credentials';
import { createConsoleCore } from './services/console-core';
import type { BuiltinPortal } from './services/core-types';
import { createSecretStore } from './services/secret-store';

const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
const preloadPath = path.join(__dirname, '..', 'preload', 'preload.js');
// A development server only for an unpackaged app: a packaged one always loads its own files.
const devServerUrl = !app.isPackaged ? (process.env['PORTAL_CONSOLE_DEV_URL'] ?? null) : null;
const appUrl = devServerUrl ?? pathToFileURL(rendererIndex).href;

// The data folder: `<appData>/portal-console` whatever the product name of a packaged build, so Electron and
// web mode share it; PORTAL_CONSOLE_USER_DATA picks another (tests, a second profile). Set before the
// single-instance lock, which lives there.
const userDataOverride = process.env['PORTAL_CONSOLE_USER_DATA'];
app.setPath('userData', userDataOverride ? path.resolve(userDataOverride) : path.join(app.getPath('appData'), APP_FOLDER_NAME));

let mainWindow: BrowserWindow | null = null;
const teardowns: Array<() => Promise<void> | void> = [];
let shuttingDown: Promise<void> | null = null;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function startEngine(credentials: BuiltinPortal['credentials']): Promise<EngineHandle | null> {
  const startOnce = (port: number) =>
    startUtilityEngine(
      {
        dataDir: engineDataDir(app.getPath('userData')),
        host: '127.0.0.1',
        port,
        credentials: engineCredentials(credentials),
      },
      { log: (line) => log(`engine: ${line}`) },
    );
  try {
    // A crash mid-run is logged and the engine restarted on the same address, so the built-in portal returns.
    const engine = superviseEngine(await startOnce(0), startOnce, { log });
    teardowns.push(() => engine.stop());
    return engine;
  } catch (err) {
    // The console still manages remote portals without the built-in one.
    log(`portal-console: the built-in engine did not start: ${describeError(err)}`);
    return null;
  }
}

async function start(): Promise<void> {
  // Electron's single-instance lock does not see web mode, which shares these folders by default: one console
  // per folder, or both would run an engine on one database. A busy folder ends start-up with the message.
  for (const dir of [consoleDataDir(app.getPath('userData')), engineDataDir(app.getPath('userData'))]) {
    const lock = acquireDataLock(dir, { mode: 'electron' });
    teardowns.push(() => lock.release());
  }
  const secretStore = await createSecretStore();
  const credentials = await loadBuiltinCredentials(secretStore);
  const engine = await startEngine(credentials);

  const core = await createConsoleCore({
    dataDir: consoleDataDir(app.getPath('userData')),
    secretStore,
    mode: 'electron',
    version: app.getVersion(),
    builtinPortal: engine ? { url: engine.url, credentials } : null,
  });
  teardowns.push(() => core.close());

  const dispatch = createDispatcher({ handlers: core.handlers, validateOutput: !app.isPackaged });
  const isTrustedSender = createSenderCheck({ rendererUrl: pathToFileURL(rendererIndex).href, devServerUrl });
  teardowns.push(registerHandlers({ ipcMain, dispatch, isTrustedSender }));
  teardowns.push(forwardEvents(core.events, () => mainWindow?.webContents ?? null));
  teardowns.push(setupNotifications(core, () => focusWindow(mainWindow)));

  openWindow();
}

function openWindow(): void {
  mainWindow = createMainWindow({ preloadPath, rendererIndex, devServerUrl });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

async function shutdown(): Promise<void> {
  // Reverse order of start: IPC and events first, then the core, then the engine's process.
  for (const teardown of teardowns.splice(0).reverse()) {
    try {
      await teardown();
    } catch (err) {
      log(`portal-console: error while closing: ${describeError(err)}`);
    }
  }
}

if (!app.requestSingleInstanceLock()) {
  // Threat/cost: two consoles on one data folder would fight over settings and the engine's database.
  app.quit();
} else {
  setupSecurity({ appUrl });

  app.on('second-instance', () => focusWindow(mainWindow));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (mainWindow === null && teardowns.length > 0) openWindow();
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
