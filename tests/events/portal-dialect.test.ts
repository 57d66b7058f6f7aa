import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createConsoleCore } from '../../electron/services/console-core';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { eventCreateSchema } from '../../shared/contract';
import { startFaultPortal } from '../fakes/fault-portal';
import { rejectsWithCode } from '../support/console-error';
import { fastTuning, people, runEnded, untilAttendees } from './helpers';

for (const generation of ['learning-center', 'educates'] as const) {
  const what =
    generation === 'learning-center'
      ? 'pre-allocation is refused with the reason, then allowed when confirmed (60 s links)'
      : 'the window is used as asked';
  test(`${generation}: ${what}`, async (t) => {
    const portal = await startFaultPortal({
      name: 'lc',
      generation,
      environments: [{ name: 'lc-w01', title: 'Lab', capacity: 10, duration: 1800 }],
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-lc-'));
    const core = await createConsoleCore({
      dataDir: dir,
      secretStore: new MemorySecretStore(),
      mode: 'web',
      version: 't',
      builtinPortal: null,
      tuning: fastTuning,
    });
    t.after(async () => {
      await core.close();
      await portal.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const p = await core.handlers['portals.add']({
      label: 'Old TAP',
      baseUrl: portal.url,
      clientId: 'fake-client',
      clientSecret: 'fake-secret',
      username: 'robot@educates',
      password: 'robot-password',
    });
    const t0 = Date.now();
    const ev = await core.handlers['events.create'](
      eventCreateSchema.parse({
        name: 'LC',
        portalId: p.id,
        environments: ['lc-w01'],
        startsAt: t0,
        endsAt: t0 + 3_600_000,
      }),
    );
    await core.handlers['events.addAttendees']({
      eventId: ev.id,
      attendees: people(3, 'lc').map((x) => ({ ...x, user: undefined, environment: undefined })),
      source: 'manual',
    });
    if (generation === 'learning-center') {
      await rejectsWithCode(
        core.handlers['events.allocate']({ eventId: ev.id, scope: 'all' }),
        'conflict',
        new RegExp(
          'Old TAP looks like a Learning Center portal: it ignores the activation window and deletes every session ' +
            'that is not opened within 60 seconds',
        ),
      );
      assert.equal(
        (await core.handlers['events.get']({ eventId: ev.id })).event.counts['not-allocated'],
        3,
        'nothing was requested',
      );
      assert.equal(portal.hits.get('POST /workshops/environment/lc-w01/request/') ?? 0, 0);
    }
    const before = Date.now();
    await core.handlers['events.allocate']({
      eventId: ev.id,
      scope: 'all',
      confirmShortActivation: generation === 'learning-center',
    });
    const end = await runEnded(core, ev.id);
    assert.equal(end.run?.allocated, 3);
    const list = await untilAttendees(core, ev.id, (l) => l.every((a) => a.status === 'waiting'));
    const window = generation === 'learning-center' ? 60_000 : 3_600_000;
    for (const a of list)
      assert.ok(
        a.activateBy !== null && a.activateBy >= before + window - 2000 && a.activateBy <= Date.now() + window + 2000,
        `${a.activateBy}`,
      );
  });
}
