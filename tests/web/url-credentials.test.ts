import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PortalView } from '../../shared/contract';
import { startTestConsole } from './web-helpers';

/**
 * URLs with a user name and password in them: refused everywhere the console takes a URL (a password in
 * settings.json and in every activation link's index_url; an address that shows one host and talks to another),
 * and removed from a settings.json an older version wrote, which is rewritten at once.
 */
const robot = { clientId: 'c', clientSecret: 'client-secret', username: 'robot', password: 'robot-password' };

type Reply = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

test('every URL the console takes is refused when it carries userinfo, and nothing is saved', async () => {
  const web = await startTestConsole({ engine: false });
  try {
    const settings = path.join(web.dataDir, 'settings.json');
    const before = fs.existsSync(settings) ? fs.readFileSync(settings, 'utf8') : '';
    const bad = 'http://portal.example.org:443@127.0.0.1:18101';
    const good = await web.invoke('portals.add', { label: 'Good', baseUrl: 'http://127.0.0.1:9', ...robot });
    const goodId = (JSON.parse(good.body) as { data: PortalView }).data.id;
    const saved = fs.readFileSync(settings, 'utf8');
    const cases: Array<[string, unknown]> = [
      ['portals.add', { label: 'Spoof', baseUrl: bad, ...robot }],
      ['portals.add', { label: 'Pw', baseUrl: 'https://admin:hunter2@portal.example.org', ...robot }],
      [
        'portals.add',
        {
          label: 'Index',
          baseUrl: 'https://portal.example.org',
          defaultIndexUrl: 'https://u:hunter2@example.org/done',
          ...robot,
        },
      ],
      ['portals.update', { id: goodId, baseUrl: 'http://u:hunter2@127.0.0.1:9' }],
      ['portals.update', { id: goodId, defaultIndexUrl: 'http://u:hunter2@example.org/' }],
      ['portals.test', { draft: { label: 'T', baseUrl: bad, ...robot } }],
      [
        'sessions.request',
        { portalId: goodId, environment: 'w', user: 'ada', indexUrl: 'http://u:hunter2@example.org/' },
      ],
      [
        'events.create',
        {
          name: 'Workshop day',
          portalId: goodId,
          environments: ['w'],
          startsAt: 1,
          endsAt: 2,
          indexUrl: 'http://u:hunter2@example.org/',
        },
      ],
    ];
    for (const [method, input] of cases) {
      const r = JSON.parse((await web.invoke(method, input)).body) as Reply;
      assert.equal(r.ok, false, `${method} ${JSON.stringify(input)}`);
      if (!r.ok) {
        assert.equal(r.error.code, 'invalid-input');
        assert.match(r.error.message, /must not contain a user name or password/);
      }
    }
    assert.equal(fs.readFileSync(settings, 'utf8'), saved, 'settings.json unchanged by the refused calls');
    assert.doesNotMatch(fs.readFileSync(settings, 'utf8'), /hunter2|18101/);
    assert.notEqual(before, saved);
  } finally {
    await web.close();
  }
});

test(
  'a portal URL pasted from a portal page is trimmed to the portal root; ' + 'another path is refused with a hint',
  async () => {
    const web = await startTestConsole({ engine: false });
    try {
      const trimmed = JSON.parse(
        (
          await web.invoke('portals.add', {
            label: 'Pasted',
            baseUrl: 'http://127.0.0.1:9/workshops/catalog/',
            ...robot,
          })
        ).body,
      ) as { ok: true; data: PortalView };
      assert.equal(trimmed.ok, true);
      assert.equal(trimmed.data.baseUrl, 'http://127.0.0.1:9');
      assert.equal(trimmed.data.defaultIndexUrl, 'http://127.0.0.1:9/workshops/catalog/');
      const refused = JSON.parse(
        (await web.invoke('portals.add', { label: 'Prefixed', baseUrl: 'http://127.0.0.1:9/portal-a/', ...robot }))
          .body,
      ) as Reply;
      assert.equal(refused.ok, false);
      if (!refused.ok)
        assert.match(refused.error.message, /served at the root of its host: use http:\/\/127\.0\.0\.1:9/);
    } finally {
      await web.close();
    }
  },
);

test('a settings.json with passwords inside URLs is cleaned and rewritten at once, and the user is told', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-userinfo-'));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const settings = path.join(dataDir, 'settings.json');
  fs.writeFileSync(
    settings,
    JSON.stringify({
      version: 1,
      settings: { alerts: { capacityPercent: 90, expiringMinutes: 10, notifyOs: true }, theme: 'system' },
      portals: [
        {
          id: 'old-1',
          label: 'Old portal',
          baseUrl: 'https://robot:hunter2@portal.example.org',
          clientId: 'c',
          username: 'robot',
          pollIntervalMs: 5000,
          defaultIndexUrl: 'https://guest:letmein@example.org/thanks',
          enabled: false,
        },
      ],
      builtin: { enabled: true, pollIntervalMs: 5000, defaultIndexUrl: 'http://x:s3cret@example.org/', label: null },
    }),
  );
  const web = await startTestConsole({ dataDir, engine: false });
  try {
    const text = fs.readFileSync(settings, 'utf8');
    for (const secret of ['hunter2', 'letmein', 's3cret', 'guest', 'robot:'])
      assert.ok(!text.includes(secret), `${secret} still on disk`);
    const info = JSON.parse((await web.invoke('app.info', {})).body) as { data: { settingsWarning: string | null } };
    assert.match(
      info.data.settingsWarning ?? '',
      new RegExp(
        'user name or password inside the portal URL of "Old portal", the default index URL of "Old portal", ' +
          "the built-in portal's default index URL; it was removed",
      ),
    );
    assert.doesNotMatch(info.data.settingsWarning ?? '', /hunter2|letmein|s3cret/);
    const list = JSON.parse((await web.invoke('portals.list', {})).body) as { data: PortalView[] };
    const old = list.data.find((p) => p.id === 'old-1');
    assert.equal(old?.baseUrl, 'https://portal.example.org');
    assert.equal(old?.defaultIndexUrl, 'https://example.org/thanks');
    for (const name of fs.readdirSync(dataDir)) {
      if (fs.statSync(path.join(dataDir, name)).isFile())
        assert.ok(!fs.readFileSync(path.join(dataDir, name), 'utf8').includes('hunter2'), name);
    }
  } finally {
    await web.close();
  }
});

test('a corrupt settings.json is moved aside without the passwords inside its URLs', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-userinfo-'));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  fs.writeFileSync(
    path.join(dataDir, 'settings.json'),
    '{"portals": [{"baseUrl": "https://robot:hunter2@portal.example.org/"} ',
  );
  const web = await startTestConsole({ dataDir, engine: false });
  try {
    const aside = fs.readdirSync(dataDir).filter((n) => n.startsWith('settings.json.corrupt-'));
    assert.equal(aside.length, 1);
    const kept = fs.readFileSync(path.join(dataDir, aside[0] ?? ''), 'utf8');
    assert.match(kept, /"https:\/\/portal\.example\.org\/"/);
    assert.doesNotMatch(kept, /hunter2/);
    const info = JSON.parse((await web.invoke('app.info', {})).body) as { data: { settingsWarning: string | null } };
    assert.match(info.data.settingsWarning ?? '', /without the user names and passwords that were inside its URLs/);
  } finally {
    await web.close();
  }
});
