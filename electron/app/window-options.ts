import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window's options: a pure function so the security settings are tested in plain Node and main uses
 * them unchanged. Each web preference names the threat it answers.
 */
export interface WindowOptionsInput {
  /** absolute path of the bundled preload (`dist/preload/preload.js`) */
  preloadPath: string;
  title?: string;
  icon?: string;
}

export function createWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: input.title ?? 'Portal Console',
    ...(input.icon ? { icon: input.icon } : {}),
    // Shown once the first paint is ready, so the user never sees an empty white frame.
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: input.preloadPath,
      // Threat: page script reaching the preload's globals (and through them Node or ipcRenderer).
      contextIsolation: true,
      // Threat: a renderer compromise turning into code execution with the user's rights; the OS sandbox
      // limits the renderer process and the preload gets only a few safe modules.
      sandbox: true,
      // Threat: `require('child_process')` from any script in the page, including injected script.
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      // Same-origin policy stays on (the default): the renderer never needs cross-origin reads.
      webSecurity: true,
      allowRunningInsecureContent: false,
      // Threat: <webview> embedding remote content with its own, weaker preferences.
      webviewTag: false,
      // Threat: remote code loaded through experimental or Node-flavoured features.
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      // A console page has no need to spell-check to a remote dictionary service.
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}
