import { app, session, shell, type WebContents } from 'electron';
import {
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  isAllowedDownload,
  isSafeExternalUrl,
} from './navigation-policy';

/**
 * Applies the Electron security baseline to every web contents the app creates. The decisions live in
 * `navigation-policy.ts` (pure, tested in Node); this module only wires them to Electron's events.
 */
export interface SecurityOptions {
  /** the app's own page: `file:///…/dist/renderer/index.html`, or the dev server URL */
  appUrl: string;
}

function openExternal(url: string | null): void {
  // Checked again at the sink: only http(s) ever reaches the OS URL handler.
  if (url !== null && isSafeExternalUrl(url)) void shell.openExternal(url).catch(() => undefined);
}

export function hardenWebContents(contents: WebContents, appUrl: string): void {
  // Threat: <webview> embedding remote content with its own preferences (and possibly Node).
  contents.on('will-attach-webview', (event) => event.preventDefault());

  // Threat: the window with the preload navigating to remote content (link, redirect, injected script).
  const guardNavigation = (event: { url: string; preventDefault(): void }) => {
    const decision = decideNavigation(event.url, appUrl);
    if (decision.action === 'deny') {
      event.preventDefault();
      openExternal(decision.openExternal);
    }
  };
  contents.on('will-navigate', (event) => guardNavigation(event));
  contents.on('will-frame-navigate', (event) => guardNavigation(event));
  contents.on('will-redirect', (event) => guardNavigation(event));

  // Threat: popups (window.open, target=_blank) becoming new Electron windows; links go to the browser.
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    openExternal(decision.openExternal);
    return { action: 'deny' };
  });
}

/** Call before `app.whenReady()`: sandboxing must be switched on before the first renderer starts. */
export function setupSecurity(options: SecurityOptions): void {
  // Threat: any renderer (including one we did not expect to create) running without the OS sandbox.
  app.enableSandbox();

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, options.appUrl));

  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    // Threat: a compromised renderer switching on camera, microphone, location, USB, clipboard reads, …
    ses.setPermissionRequestHandler((_contents, permission, callback) => callback(decidePermission(permission)));
    ses.setPermissionCheckHandler((_contents, permission) => decidePermission(permission));
    // Threat: device pickers (HID, serial, USB, Bluetooth) handing hardware to page script.
    ses.setDevicePermissionHandler(() => false);
    ses.on('select-hid-device', (event, _details, callback) => {
      event.preventDefault();
      callback('');
    });
    ses.on('select-serial-port', (event, _ports, _contents, callback) => {
      event.preventDefault();
      callback('');
    });
    ses.on('select-usb-device', (event, _details, callback) => {
      event.preventDefault();
      callback();
    });
    // Threat: remote files dropped on disk; only page-made blobs (CSV exports) may be saved, through the
    // save dialog Electron shows.
    ses.on('will-download', (event, item) => {
      if (!isAllowedDownload(item.getURL())) event.preventDefault();
    });
  });
}
