/**
 * A check-in page comes back after a restart of the console on the same address (the QR code stays valid), moves
 * only when another program took its port (and says so), fails visibly when its address is gone; and on a remote
 * portal (a second engine) it sends the attendee to that portal.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import Database from 'better-sqlite3';
import path from 'node:path';
import { AttendeeClient, connectionRefused } from './attendee-client';
import {
  eventWithCheckin,
  makeEvent,
  person,
  startCheckinFixture,
  untilAttendees,
  type CheckinFixture,
} from './helpers';
import { labConfig } from '../events/helpers';
import { startTestEngine, type TestEngine } from '../support/engine-harness';

describe('restarts', () => {
  let f: CheckinFixture;
  before(async () => {
    f = await startCheckinFixture([{ name: 'lab', capacity: 5, reserved: 0 }]);
  });
  after(async () => f.close());

  test('a running page comes back on the same address after a restart; a stopped one stays off', async () => {
    const a = await eventWithCheckin(f, { name: 'Kept' });
    const b = await eventWithCheckin(f, { name: 'Stopped' });
    await f.core.handlers['checkin.stop']({ eventId: b.eventId });
    const c = new AttendeeClient();
    try {
      assert.equal((await c.checkIn(a.status.url as string, person(1))).status, 303);
    } finally {
      c.close();
    }
    await f.restart();
    const back = await f.core.handlers['checkin.get']({ eventId: a.eventId });
    assert.equal(back.state, 'running');
    assert.equal(back.url, a.status.url, 'the same URL: the QR code on the projector still works');
    assert.equal(back.movedFrom, null);
    assert.equal((await f.core.handlers['checkin.get']({ eventId: b.eventId })).state, 'stopped');
    assert.equal(await connectionRefused(b.status.url as string), true);
    const again = new AttendeeClient();
    try {
      const r = await again.checkIn(back.url as string, person(1));
      assert.equal(r.status, 303, 'the same person after the restart');
      const list = await untilAttendees(f.core, a.eventId, (x) => x.length === 1);
      assert.equal(list[0]?.email, 'ada1@example.org');
    } finally {
      again.close();
    }
  });

  test('a port taken meanwhile moves the page and says so; a vanished address fails visibly', async () => {
    const e = await eventWithCheckin(f, { name: 'Moved' });
    const port = e.status.port as number;
    await f.core.close();
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', () => r()));
    try {
      await f.restart();
      const moved = await f.core.handlers['checkin.get']({ eventId: e.eventId });
      assert.equal(moved.state, 'running');
      assert.notEqual(moved.port, port);
      assert.equal(moved.movedFrom, `http://127.0.0.1:${port}/`);
    } finally {
      squatter.close();
    }

    // an address this computer no longer has (as after a change of network): written as an older run left it
    await f.core.close();
    const db = new Database(path.join(f.dataDir, 'console.db'));
    db.prepare("UPDATE checkin SET address = '192.0.2.1' WHERE event_id = ?").run(e.eventId);
    db.close();
    await f.restart();
    const failed = await f.core.handlers['checkin.get']({ eventId: e.eventId });
    assert.equal(failed.state, 'failed');
    assert.match(failed.error ?? '', /192\.0\.2\.1 is not an address of this computer/);
    const local = await f.core.handlers['checkin.start']({ eventId: e.eventId, address: '127.0.0.1' });
    assert.equal(local.state, 'running', 'starting it on another address recovers it');
  });
});

describe('a remote portal', () => {
  let f: CheckinFixture;
  let remote: TestEngine;
  before(async () => {
    f = await startCheckinFixture();
    remote = await startTestEngine({ config: labConfig([{ name: 'far', capacity: 3, reserved: 0 }]) });
  });
  after(async () => {
    await f.close();
    await remote.close();
  });

  test('the attendee is sent to the remote portal and lands on its session page', async () => {
    const r = remote.engine.credentials.robot;
    const portal = await f.core.handlers['portals.add']({
      label: 'Remote lab',
      baseUrl: remote.url,
      clientId: r.clientId,
      clientSecret: r.clientSecret,
      username: r.username,
      password: r.password,
    });
    let environment = '';
    for (let i = 0; i < 100 && environment === ''; i++) {
      const snap = (await f.core.handlers['monitor.snapshot']({})).portals.find((p) => p.portalId === portal.id);
      environment = snap?.environments.find((x) => x.state === 'RUNNING')?.name ?? '';
      if (environment === '') await new Promise((res) => setTimeout(res, 50));
    }
    const event = await makeEvent(f.core, 'Remote day', [environment], { portalId: portal.id });
    const status = await f.core.handlers['checkin.start']({ eventId: event.id });
    const c = new AttendeeClient();
    try {
      const page = await c.send(status.url as string);
      assert.match(page.headers['content-security-policy'] as string, new RegExp(`form-action 'self' ${remote.url}`));
      const sent = await c.checkIn(status.url as string, person(7, ''));
      assert.equal(sent.status, 303);
      assert.ok((sent.location as string).startsWith(`${remote.url}/workshops/session/`), sent.location ?? '');
      const landed = await c.follow(sent.location as string);
      assert.ok(landed.url.startsWith(`${remote.url}/workshops/session/`));
      assert.equal(landed.answer.status, 200);
      const list = await untilAttendees(f.core, event.id, (x) => x.length === 1 && x[0]?.session !== null);
      assert.equal(list[0]?.source, 'walk-in');
    } finally {
      c.close();
    }
  });
});
