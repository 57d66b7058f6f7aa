import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PortalSnapshot, PortalView } from '../../shared/contract';
import { startTestConsole } from './web-helpers';

/**
 * Web mode whose built-in engine fails to start (here: a broken engine config) carries on with its remote
 * portals, as Electron does, and the built-in portal's card says why it is missing instead of the whole console
 * failing to start.
 */
test('web mode carries on without a built-in engine that did not start, and its card says why', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-engine-fail-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, 'broken.yaml');
  fs.writeFileSync(config, 'kind: TrainingPortal\nnot: [valid\n');
  const logs: string[] = [];
  const web = await startTestConsole({ engine: true, engineConfigPath: config, log: (l) => logs.push(l) });
  try {
    assert.equal(web.engineUrl, null);
    assert.match(logs.join('\n'), /the built-in engine did not start: .*YAML error/);

    const list = JSON.parse((await web.invoke('portals.list', {})).body) as { ok: true; data: PortalView[] };
    const builtin = list.data.find((p) => p.builtin);
    assert.ok(builtin, 'the built-in portal is still listed');

    const snapshot = async () =>
      (
        JSON.parse((await web.invoke('monitor.snapshot', {})).body) as { data: { portals: PortalSnapshot[] } }
      ).data.portals.find((p) => p.portalId === builtin.id);
    const card = await snapshot();
    assert.equal(card?.status, 'offline');
    assert.match(card?.lastError ?? '', /^the built-in engine did not start: .*broken\.yaml.*YAML error/);

    const tested = JSON.parse((await web.invoke('portals.test', { id: builtin.id })).body) as {
      data: { ok: boolean; message: string };
    };
    assert.equal(tested.data.ok, false);
    assert.match(tested.data.message, /the built-in engine did not start/);

    // actions on it say why instead of reaching for an address where nothing (or something else) listens
    const request = JSON.parse(
      (await web.invoke('sessions.request', { portalId: builtin.id, environment: 'demo-w01', user: 'ada' })).body,
    ) as {
      ok: boolean;
      error?: { code: string; message: string };
    };
    assert.equal(request.ok, false);
    assert.match(request.error?.message ?? '', /^the built-in engine did not start: /);

    // it can still be renamed and switched off; the card follows
    const pushed = new Promise<PortalSnapshot>((resolve) => {
      const off = web.events.on('monitor.portal', (s) => {
        if (s.portalId === builtin.id && s.status === 'disabled') {
          off();
          resolve(s);
        }
      });
    });
    const updated = JSON.parse(
      (await web.invoke('portals.update', { id: builtin.id, label: 'Demo laptop', enabled: false })).body,
    ) as {
      ok: boolean;
    };
    assert.equal(updated.ok, true);
    assert.equal((await pushed).label, 'Demo laptop');
    assert.equal((await snapshot())?.status, 'disabled');

    // and the console still manages remote portals
    const added = JSON.parse(
      (
        await web.invoke('portals.add', {
          label: 'Remote',
          baseUrl: 'http://127.0.0.1:9',
          clientId: 'c',
          clientSecret: 's',
          username: 'u',
          password: 'p',
        })
      ).body,
    ) as { ok: boolean };
    assert.equal(added.ok, true);
  } finally {
    await web.close();
  }
});
