import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createConsoleCore } from '../../electron/services/console-core';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startFaultPortal } from '../fakes/fault-portal';
import { rejectsWithCode } from '../support/console-error';

/**
 * Setting portals up: an edited portal is tested with its unsaved changes (and the saved secrets for what was not
 * re-entered), and the built-in portal can be renamed, re-timed and switched off by a form that sends its managed
 * address and robot back unchanged, while changing them is still refused.
 */
test(
  'portal set-up: edits are tested before saving; ' + 'the built-in portal takes everything but a new address or robot',
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-setup-'));
    const remote = await startFaultPortal({ name: 'remote' });
    const builtin = await startFaultPortal({
      name: 'builtin',
      clientId: 'b-id',
      clientSecret: 'b-secret',
      username: 'robot@b',
      password: 'b-pass',
    });
    const core = await createConsoleCore({
      dataDir: dir,
      secretStore: new MemorySecretStore(),
      mode: 'web',
      version: 't',
      builtinPortal: {
        url: builtin.url,
        credentials: { clientId: 'b-id', clientSecret: 'b-secret', username: 'robot@b', password: 'b-pass' },
      },
      tuning: { requestTimeoutMs: 1000, retries: 0, retryBaseMs: 5, pollIntervalMs: 60_000 },
    });
    t.after(async () => {
      await core.close();
      await remote.close();
      await builtin.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const o = remote.options;
    const view = await core.handlers['portals.add']({
      label: 'Remote',
      baseUrl: remote.url,
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      username: o.username,
      password: o.password,
    });

    // unsaved edits: what is not given comes from the saved portal, secrets included
    const same = await core.handlers['portals.test']({ id: view.id, changes: { label: 'Renamed' } });
    assert.equal(same.ok, true, same.message);
    const moved = await core.handlers['portals.test']({ id: view.id, changes: { baseUrl: 'http://127.0.0.1:9' } });
    assert.deepEqual([moved.ok, moved.message], [false, 'portal unreachable: 127.0.0.1:9']);
    const wrong = await core.handlers['portals.test']({ id: view.id, changes: { password: 'not-it' } });
    assert.equal(wrong.ok, false);
    assert.match(wrong.message, /robot password rejected/);
    assert.equal(
      (await core.handlers['portals.list']({})).find((p) => p.id === view.id)?.label,
      'Remote',
      'a test saves nothing',
    );

    // the built-in portal: a form sending its managed fields back unchanged is fine
    const b = (await core.handlers['portals.list']({})).find((p) => p.builtin);
    assert.ok(b);
    const renamed = await core.handlers['portals.update']({
      id: b.id,
      label: 'Demo laptop',
      baseUrl: `${b.baseUrl}/`,
      clientId: b.clientId,
      username: b.username,
      pollIntervalMs: 10_000,
      defaultIndexUrl: 'https://example.org/thanks',
      enabled: false,
    });
    assert.deepEqual(
      [renamed.label, renamed.pollIntervalMs, renamed.defaultIndexUrl, renamed.enabled, renamed.baseUrl],
      ['Demo laptop', 10_000, 'https://example.org/thanks', false, b.baseUrl],
    );
    await rejectsWithCode(core.handlers['portals.update']({ id: b.id, baseUrl: 'http://127.0.0.1:9' }), 'forbidden');
    await rejectsWithCode(core.handlers['portals.update']({ id: b.id, username: 'someone-else' }), 'forbidden');
    await rejectsWithCode(core.handlers['portals.remove']({ id: b.id }), 'forbidden');
    const tested = await core.handlers['portals.test']({ id: b.id, changes: { label: 'x' } });
    assert.equal(tested.ok, true, tested.message);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) as { builtin: unknown };
    assert.deepEqual(saved.builtin, {
      enabled: false,
      pollIntervalMs: 10_000,
      defaultIndexUrl: 'https://example.org/thanks',
      label: 'Demo laptop',
    });
  },
);
