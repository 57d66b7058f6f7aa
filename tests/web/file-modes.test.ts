import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCK_FILE } from '../../electron/app/data-lock';
import { writeLauncherPage } from '../../electron/web/cli-web';
import { startTestConsole } from './web-helpers';

/**
 * The console's folders are 0700 and every file it writes 0600, also when the folders already exist with looser
 * modes (made by hand or under a lax umask) and settings.json was left world-readable by an older version.
 */
const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

test(
  'an existing data folder with loose modes is made private, and every file the console writes is 0600',
  { skip: process.platform === 'win32' },
  async (t) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-modes-'));
    t.after(() => fs.rmSync(root, { recursive: true, force: true }));
    const dataDir = path.join(root, 'console');
    const engineDir = path.join(root, 'engine');
    const settings = path.join(dataDir, 'settings.json');
    const old = process.umask(0o022);
    try {
      fs.mkdirSync(dataDir, { mode: 0o755 });
      fs.mkdirSync(engineDir, { mode: 0o777 });
      fs.chmodSync(engineDir, 0o777);
      fs.writeFileSync(
        settings,
        JSON.stringify({
          version: 1,
          settings: { alerts: { capacityPercent: 90, expiringMinutes: 10, notifyOs: true }, theme: 'system' },
          portals: [],
          builtin: { enabled: true, pollIntervalMs: 5000, defaultIndexUrl: null, label: null },
        }),
        { mode: 0o644 },
      );
    } finally {
      process.umask(old);
    }
    assert.equal(modeOf(dataDir), 0o755);
    assert.equal(modeOf(settings), 0o644);

    const web = await startTestConsole({ dataDir, engineDataDir: engineDir, engine: true });
    try {
      assert.equal(modeOf(dataDir), 0o700, 'console folder');
      assert.equal(modeOf(engineDir), 0o700, 'engine folder');
      assert.equal(modeOf(settings), 0o600, 'settings.json, before any save');
      assert.equal(modeOf(path.join(dataDir, LOCK_FILE)), 0o600, 'console lock');
      assert.equal(modeOf(path.join(engineDir, LOCK_FILE)), 0o600, 'engine lock');

      // a save replaces settings.json through a temp file: the new file is private and no temp file stays behind
      const added = await web.invoke('portals.add', {
        label: 'Modes',
        baseUrl: 'http://127.0.0.1:9',
        clientId: 'c',
        clientSecret: 's',
        username: 'u',
        password: 'p',
      });
      assert.equal(added.status, 200);
      assert.equal((JSON.parse(added.body) as { ok: boolean }).ok, true, added.body);
      assert.equal(modeOf(settings), 0o600, 'settings.json after a save');
      const launcher = writeLauncherPage(dataDir, web.url);
      assert.equal(modeOf(launcher), 0o600, 'launcher page');
      for (const name of fs.readdirSync(dataDir)) {
        assert.doesNotMatch(name, /\.tmp$/, 'no temp file left');
        const mode = modeOf(path.join(dataDir, name));
        assert.equal(mode & 0o077, 0, `${name} is ${mode.toString(8)}`);
      }
    } finally {
      await web.close();
    }
  },
);

test('a corrupt settings.json is moved aside privately', { skip: process.platform === 'win32' }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-modes-'));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  fs.chmodSync(dataDir, 0o755);
  fs.writeFileSync(path.join(dataDir, 'settings.json'), '{ not json', { mode: 0o644 });
  fs.chmodSync(path.join(dataDir, 'settings.json'), 0o644);
  const web = await startTestConsole({ dataDir, engine: false });
  try {
    const aside = fs.readdirSync(dataDir).filter((n) => n.startsWith('settings.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(modeOf(path.join(dataDir, aside[0] ?? '')), 0o600);
    assert.equal(modeOf(path.join(dataDir, 'settings.json')), 0o600);
    assert.equal(modeOf(dataDir), 0o700);
  } finally {
    await web.close();
  }
});
