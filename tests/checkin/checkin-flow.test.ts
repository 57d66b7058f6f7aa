/**
 * The check-in page end to end over loopback HTTP: the form, the session through the events' request path, the
 * same session again, walk-ins on the attendee list, the notification banners, no capacity, wrong codes, listed
 * mode, archive and stop.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AttendeeClient, bannerOf, bannerTitle, connectionRefused, csrfToken } from './attendee-client';
import { eventWithCheckin, person, startCheckinFixture, untilAttendees, type CheckinFixture } from './helpers';

describe('check-in on the built-in engine', () => {
  let f: CheckinFixture;
  before(async () => {
    f = await startCheckinFixture([{ name: 'lab', capacity: 2, reserved: 0 }]);
  });
  after(async () => f.close());

  test('a walk-in gets a session, lands on its page, and gets the same session again', async () => {
    const { eventId, status } = await eventWithCheckin(f);
    const url = status.url as string;
    assert.equal(status.shared, false);
    assert.match(status.reach, /Only this computer/);
    const ada = new AttendeeClient();
    try {
      const page = await ada.send(url);
      assert.equal(page.status, 200);
      assert.match(page.body, /Check-in day/);
      assert.match(page.body, /Title lab/);
      assert.match(page.headers['content-security-policy'] as string, /form-action 'self' http:\/\/127\.0\.0\.1:\d+/);
      assert.doesNotMatch(page.body, /<script/i);

      const first = await ada.submit(url, csrfToken(page.body), person(1));
      assert.equal(first.status, 303);
      const activation = first.location as string;
      assert.ok(activation.startsWith(`${f.engine.url}/workshops/session/`), activation);
      const landed = await ada.follow(activation);
      assert.match(landed.url, /\/workshops\/session\/[^/]+\/$/);
      assert.equal(landed.answer.status, 200);
      const session = /\/workshops\/session\/([^/]+)\//.exec(landed.url)?.[1];

      const attendees = await untilAttendees(
        f.core,
        eventId,
        (a) => a.length === 1 && (a[0]?.status === 'waiting' || a[0]?.status === 'running'),
      );
      assert.equal(attendees[0]?.source, 'walk-in');
      assert.equal(attendees[0]?.email, 'ada1@example.org');
      assert.equal(attendees[0]?.session, session);

      const again = await ada.checkIn(url, person(1));
      assert.equal(again.status, 303);
      const back = await ada.follow(again.location as string);
      assert.equal(/\/workshops\/session\/([^/]+)\//.exec(back.url)?.[1], session, 'the same session');
      const list = (await f.core.handlers['events.get']({ eventId })).attendees;
      assert.equal(list.length, 1, 'a repeat check-in adds nobody');
      const stats = (await f.core.handlers['checkin.get']({ eventId })).stats;
      assert.equal(stats.checkedIn, 2);
      assert.equal(stats.walkIns, 1);
    } finally {
      ada.close();
    }
  });

  test('once the event is over its page refuses check-ins; moving the end later opens it again', async () => {
    const { eventId, status } = await eventWithCheckin(f, { name: 'Over' });
    const now = Date.now();
    await f.core.handlers['events.update']({ eventId, startsAt: now - 3 * 3_600_000, endsAt: now - 1000 });
    const c = new AttendeeClient();
    try {
      const late = await c.checkIn(status.url as string, person(7));
      assert.equal(late.status, 410);
      assert.equal(bannerTitle(late.body), 'This event is over, so check-in has closed.');
      assert.equal((await f.core.handlers['events.get']({ eventId })).attendees.length, 0, 'nobody added');
      await f.core.handlers['events.update']({ eventId, endsAt: now + 3_600_000 });
      assert.equal((await c.checkIn(status.url as string, person(7))).status, 303);
    } finally {
      c.close();
    }
  });
});

describe('refusals and banners', () => {
  let f: CheckinFixture;
  before(async () => {
    f = await startCheckinFixture([{ name: 'lab', capacity: 1, reserved: 0 }]);
  });
  after(async () => f.close());

  test('a wrong code is refused without adding anyone; a full workshop shows session-unavailable', async () => {
    const { eventId, status } = await eventWithCheckin(f);
    const url = status.url as string;
    const c = new AttendeeClient();
    try {
      const wrong = await c.checkIn(url, person(1, 'NOPE'));
      assert.equal(wrong.status, 403);
      assert.equal(bannerTitle(wrong.body), 'That event code is not right.');
      assert.match(wrong.body, /value="ada1@example.org"/, 'what was typed is kept');
      assert.equal((await f.core.handlers['events.get']({ eventId })).attendees.length, 0);

      const spaced = await c.checkIn(url, person(1, 'kube 24'));
      assert.equal(spaced.status, 303, 'the code is matched without case, spaces or dashes');
      const full = await c.checkIn(url, person(2));
      assert.equal(full.status, 503);
      assert.equal(bannerOf(full.body), 'session-unavailable');
      const two = await untilAttendees(f.core, eventId, (a) => a.length === 2);
      assert.equal(two.find((a) => a.email === 'ada2@example.org')?.status, 'failed');
    } finally {
      c.close();
    }
  });

  test('each notification of the portal gets its banner; unknown values are ignored', async () => {
    const { status } = await eventWithCheckin(f, { name: 'Banners' });
    const c = new AttendeeClient();
    try {
      for (const n of [
        'session-deleted',
        'workshop-invalid',
        'session-unavailable',
        'session-invalid',
        'startup-timeout',
      ]) {
        const page = await c.send(`${status.url}?notification=${n}`);
        assert.equal(page.status, 200);
        assert.equal(bannerOf(page.body), n);
      }
      const odd = await c.send(`${status.url}?notification=%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
      assert.equal(bannerOf(odd.body), null);
      assert.doesNotMatch(odd.body, /alert\(1\)/);
    } finally {
      c.close();
    }
  });

  test('listed mode: someone not on the list gets the same answer as a wrong code', async () => {
    const { eventId, status } = await eventWithCheckin(f, { name: 'Listed', mode: 'listed' });
    await f.core.handlers['events.addAttendees']({
      eventId,
      attendees: [{ email: 'grace@example.org', firstName: 'Grace', lastName: 'Hopper' }],
      source: 'manual',
    });
    const c = new AttendeeClient();
    try {
      const stranger = await c.checkIn(status.url as string, person(9));
      const wrongCode = await c.checkIn(status.url as string, {
        ...person(0),
        email: 'grace@example.org',
        code: 'WRONG',
      });
      assert.equal(stranger.status, wrongCode.status);
      assert.equal(bannerTitle(stranger.body), bannerTitle(wrongCode.body));
      assert.equal((await f.core.handlers['events.get']({ eventId })).attendees.length, 1, 'no walk-in in listed mode');
    } finally {
      c.close();
    }
  });

  test('stopping the page or archiving the event ends access', async () => {
    const { eventId, status } = await eventWithCheckin(f, { name: 'Closing' });
    const c = new AttendeeClient();
    try {
      assert.equal((await c.send(status.url as string)).status, 200);
      const stopped = await f.core.handlers['checkin.stop']({ eventId });
      assert.equal(stopped.state, 'stopped');
      assert.equal(await connectionRefused(status.url as string), true);
      const again = await f.core.handlers['checkin.start']({ eventId });
      assert.equal(again.url, status.url, 'the same address after a stop and start');
      await f.core.handlers['events.archive']({ eventId, archived: true });
      for (let i = 0; i < 50 && (await f.core.handlers['checkin.get']({ eventId })).state !== 'stopped'; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(await connectionRefused(status.url as string), true);
      await assert.rejects(f.core.handlers['checkin.start']({ eventId }), /archived/);
    } finally {
      c.close();
    }
  });
});
