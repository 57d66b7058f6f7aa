import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findElectronBinary, projectRoot } from './electron-binary';

/**
 * The packaged shape of the app in a real Electron: window security, the bridge surface the page sees, and
 * the built-in portal reaching the UI. Each test gets its own user-data folder. Skips (with the reason) where
 * no Electron binary is installed, e.g. on machines that cannot download one.
 */
const electron = findElectronBinary();
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

interface BridgeWindow {
  portalConsole?: { invoke(method: string, input: unknown): Promise<{ ok: boolean; data?: unknown }> };
}

test.describe('Electron app', () => {
  test.skip(
    !electron.path,
    `No Electron binary is installed on this machine (${electron.reason ?? 'unknown reason'}); ` +
      'the Electron suite is skipped.',
  );

  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  test.beforeEach(async () => {
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-electron-'));
    app = await _electron.launch({
      executablePath: electron.path as string,
      // Chromium refuses to run as root with its sandbox on (CI containers); the renderer still runs with
      // `sandbox: true` in its web preferences.
      args: [...(asRoot ? ['--no-sandbox'] : []), projectRoot],
      cwd: projectRoot,
      env: { ...process.env, PORTAL_CONSOLE_USER_DATA: userData },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterEach(async () => {
    await app?.close();
    fs.rmSync(userData, { recursive: true, force: true });
  });

  test('the window runs with context isolation, the sandbox and no Node integration', async () => {
    // getLastWebPreferences is Electron's (undocumented, untyped) read-back of the preferences in force.
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as {
        getLastWebPreferences?: () => Record<string, unknown> | null;
      };
      const p = typeof contents?.getLastWebPreferences === 'function' ? contents.getLastWebPreferences() : null;
      return p
        ? {
            contextIsolation: p['contextIsolation'],
            sandbox: p['sandbox'],
            nodeIntegration: p['nodeIntegration'],
            webviewTag: p['webviewTag'],
          }
        : null;
    });
    if (prefs !== null)
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    else
      test
        .info()
        .annotations.push({ type: 'note', description: 'getLastWebPreferences is gone: checked by behaviour only' });
    // Behaviour that holds only with these preferences: contextBridge refuses to expose anything without
    // context isolation, and a sandboxed, Node-free renderer has no require/process in the page.
    const behaviour = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { bridge: typeof w['portalConsole'], require: typeof w['require'], process: typeof w['process'] };
    });
    expect(behaviour).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined' });
  });

  test('the page sees only window.portalConsole with invoke and on, and no Node', async () => {
    const surface = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const bridge = w['portalConsole'] as object | undefined;
      return {
        keys: bridge ? Object.keys(bridge).sort() : null,
        require: typeof w['require'],
        process: typeof w['process'],
        module: typeof w['module'],
        ipcRenderer: typeof w['ipcRenderer'],
        electron: typeof w['electron'],
      };
    });
    expect(surface).toEqual({
      keys: ['invoke', 'on'],
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      ipcRenderer: 'undefined',
      electron: 'undefined',
    });
  });

  test('the built-in portal appears', async () => {
    const builtin = await page.evaluate(async () => {
      const bridge = (window as unknown as BridgeWindow).portalConsole;
      const r = await bridge?.invoke('portals.list', {});
      const list = (r?.ok ? r.data : []) as Array<{ builtin: boolean; label: string }>;
      return list.find((p) => p.builtin) ?? null;
    });
    expect(builtin).not.toBeNull();
    await expect(page.getByText(builtin?.label ?? '', { exact: false }).first()).toBeVisible();
  });

  test('window.open makes no window', async () => {
    // Denied synchronously by the window-open handler: the page gets null and no second window exists.
    // (Navigation blocking is decided by the pure policy tested in tests/security/window-security.test.ts.)
    const opened = await page.evaluate(() => window.open('file:///etc/hosts') === null);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });
});
