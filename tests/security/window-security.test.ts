import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWindowOptions } from '../../electron/app/window-options';
import {
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  isAllowedDownload,
  isAppUrl,
  isSafeExternalUrl,
} from '../../electron/app/navigation-policy';

const APP = 'file:///opt/portal-console/dist/renderer/index.html';

test('the window has the Electron security baseline', () => {
  const options = createWindowOptions({ preloadPath: '/opt/portal-console/dist/preload/preload.js' });
  const prefs = options.webPreferences;
  assert.ok(prefs);
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.notEqual(prefs.webSecurity, false);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.experimentalFeatures, false);
  assert.equal(prefs.preload, '/opt/portal-console/dist/preload/preload.js');
  assert.equal(options.show, false);
});

test('only http(s) URLs without credentials may be opened externally', () => {
  const safe = ['https://docs.educates.dev/', 'http://portal.example.org/workshops/', 'https://example.org/a?b=c#d'];
  const unsafe = [
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'smb://host/share',
    'ms-msdt:/id PCWDiagnostic',
    'vscode://file/x',
    'ftp://example.org/',
    'https://user:pass@example.org/',
    'http://',
    'not a url',
    '',
    `https://example.org/${'a'.repeat(3000)}`,
  ];
  for (const url of safe) assert.equal(isSafeExternalUrl(url), true, url);
  for (const url of unsafe) assert.equal(isSafeExternalUrl(url), false, url);
  for (const value of [undefined, null, 42, {}, ['https://example.org']]) assert.equal(isSafeExternalUrl(value), false);
});

test('navigation stays on the app page; leaving is denied and http(s) goes to the browser', () => {
  assert.deepEqual(decideNavigation(`${APP}#/portals`, APP), { action: 'allow' });
  assert.deepEqual(decideNavigation(APP, APP), { action: 'allow' });
  assert.deepEqual(decideNavigation('https://evil.example/', APP), {
    action: 'deny',
    openExternal: 'https://evil.example/',
  });
  assert.deepEqual(decideNavigation('file:///etc/passwd', APP), { action: 'deny', openExternal: null });
  assert.deepEqual(decideNavigation('file:///opt/portal-console/dist/renderer/other.html', APP), {
    action: 'deny',
    openExternal: null,
  });
  assert.deepEqual(decideNavigation('javascript:alert(1)', APP), { action: 'deny', openExternal: null });
  assert.deepEqual(decideNavigation('about:blank', APP), { action: 'deny', openExternal: null });
  // the same file with a query is a page the IPC sender check refuses: never shown in the window
  assert.deepEqual(decideNavigation(`${APP}?x=1#/portals`, APP), { action: 'deny', openExternal: null });
  assert.deepEqual(decideNavigation('file://other-host/opt/portal-console/dist/renderer/index.html', APP), {
    action: 'deny',
    openExternal: null,
  });
  assert.equal(isAppUrl('http://localhost:5173/#/x', 'http://localhost:5173/'), true);
  assert.equal(isAppUrl('http://localhost:5174/', 'http://localhost:5173/'), false);
  assert.equal(isAppUrl('garbage', APP), false);
});

test('window.open never creates a window', () => {
  assert.deepEqual(decideWindowOpen('https://docs.educates.dev/'), {
    action: 'deny',
    openExternal: 'https://docs.educates.dev/',
  });
  assert.deepEqual(decideWindowOpen(APP), { action: 'deny', openExternal: null });
  assert.deepEqual(decideWindowOpen('file:///etc/passwd'), { action: 'deny', openExternal: null });
});

test('permission requests are denied except writing text to the clipboard', () => {
  for (const permission of [
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'midiSysex',
    'openExternal',
    'hid',
    'serial',
    'usb',
    'fullscreen',
    'unknown',
  ]) {
    assert.equal(decidePermission(permission), false, permission);
  }
  assert.equal(decidePermission('clipboard-sanitized-write'), true);
});

test('downloads only of page-made blobs', () => {
  assert.equal(isAllowedDownload('blob:file:///2f1c-…'), true);
  assert.equal(isAllowedDownload('data:text/csv,a,b'), true);
  assert.equal(isAllowedDownload('https://evil.example/x.exe'), false);
  assert.equal(isAllowedDownload('file:///etc/passwd'), false);
});
