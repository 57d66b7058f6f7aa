import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventChanged } from '../../shared/contract';
import { rawRequest, waitFor } from '../support/engine-harness';
import {
  environmentOf,
  labConfig,
  makeEvent,
  people,
  runEnded,
  startFixture,
  untilAttendees,
  untilSnapshot,
  type Fixture,
} from './helpers';

/** opens an activation link as an attendee's browser would: the portal answers 302 to the session page */
async function activate(url: string): Promise<void> {
  const u = new URL(url);
  const r = await rawRequest(u.origin, `${u.pathname}${u.search}`);
  assert.equal(r.status, 302, `activation answered ${r.status}: ${r.body.slice(0, 200)}`);
}

describe('events: live status from the monitor', () => {
  let f: Fixture;
  let env: string;
  let short: string;
  before(async () => {
    f = await startFixture(
      labConfig([
        // 4 minutes: below the portal's 5-minute extension threshold, so a running session can be extended at once
        { name: 'lab-k8s', capacity: 30, reserved: 0, initial: 0, expires: '4m', deadline: '60m' },
        { name: 'lab-short', capacity: 30, reserved: 0, initial: 0, expires: '30m' },
      ]),
    );
    env = await environmentOf(f.core, 'lab-k8s');
    short = await environmentOf(f.core, 'lab-short');
  });
  after(() => f.close());

  test('waiting → running → ended, extensions counted, only changed attendees pushed', async () => {
    const { core } = f;
    const ev = await makeEvent(core, 'Live', [env]);
    await core.handlers['events.addAttendees']({ eventId: ev.id, attendees: people(4, 'live'), source: 'csv' });
    await core.handlers['events.allocate']({ eventId: ev.id, scope: 'all' });
    await runEnded(core, ev.id);
    const waiting = await untilAttendees(core, ev.id, (l) => l.every((a) => a.status === 'waiting'));
    const [a0, a1, a2] = waiting;
    assert.ok(a0 && a1 && a2);
    // the monitor has seen them (so what follows is the activations, not the first sight of the sessions)
    const names = new Set(waiting.map((a) => a.session));
    await untilSnapshot(core, (s) => {
      const seen = s.environments.find((e) => e.name === env)?.sessions ?? [];
      return seen.filter((x) => names.has(x.name) && x.state === 'WAITING').length === 4;
    });

    const pushes: EventChanged[] = [];
    const off = core.events.on('events.changed', (p) => p.eventId === ev.id && pushes.push(p));
    const t0 = Date.now();
    await activate(a0.activationUrl as string);
    await activate(a1.activationUrl as string);
    const running = await untilAttendees(core, ev.id, (l) => l.filter((a) => a.status === 'running').length === 2);
    off();
    const pushed = new Set(pushes.flatMap((p) => p.attendees.map((a) => a.id)));
    assert.deepEqual([...pushed].sort(), [a0.id, a1.id].sort(), 'only the two that changed were pushed');
    assert.ok(pushes.every((p, i) => i === 0 || p.revision > (pushes[i - 1] as EventChanged).revision));
    for (const r of running.filter((a) => a.status === 'running')) {
      assert.ok(r.firstRunningAt !== null && r.firstRunningAt >= t0 - 2000 && r.firstRunningAt <= Date.now());
      assert.ok(r.expiresAt !== null && r.expiresAt > Date.now() + 3 * 60_000, 'counts down to the session expiry');
      assert.equal(r.activateBy, null);
    }
    const summary = (await core.handlers['events.get']({ eventId: ev.id })).event;
    assert.deepEqual([summary.counts.running, summary.counts.waiting, summary.activated], [2, 2, 2]);

    await core.handlers['sessions.extend']({ portalId: 'builtin', session: a0.session as string });
    const extended = await untilAttendees(core, ev.id, (l) => l.find((a) => a.id === a0.id)?.extensions === 1);
    assert.equal(extended.find((a) => a.id === a1.id)?.extensions, 0);

    // ended after running; terminated before it was opened is "ended" too (not "expired")
    await core.handlers['sessions.terminate']({ portalId: 'builtin', session: a1.session as string });
    await core.handlers['sessions.terminate']({ portalId: 'builtin', session: a2.session as string });
    const ended = await untilAttendees(core, ev.id, (l) => l.filter((a) => a.status === 'ended').length === 2);
    for (const e of ended.filter((a) => a.status === 'ended')) assert.ok(e.endedAt !== null && e.endedAt >= t0);
    assert.ok(ended.find((a) => a.id === a1.id)?.firstRunningAt !== null);
    assert.equal(ended.find((a) => a.id === a2.id)?.firstRunningAt, null);

    const report = await core.handlers['events.report']({ eventId: ev.id });
    assert.equal(report.totals.activated, 2);
    assert.equal(report.totals.showUpRate, 0.5);
    assert.equal(report.totals.peakRunning, 2);
    assert.equal(report.totals.peakAllocated, 4);
    assert.equal(report.totals.capacity, 30);
    assert.equal(report.totals.ended, 2);
    assert.equal(report.attendees.find((a) => a.attendeeId === a0.id)?.extensions, 1);
  });

  test('a link not opened in time is "expired", and a reissue gives a new session and link', async () => {
    const { core } = f;
    const ev = await makeEvent(core, 'Short window', [short], { activationWindowS: 1 });
    await core.handlers['events.addAttendees']({ eventId: ev.id, attendees: people(2, 'late'), source: 'manual' });
    await core.handlers['events.allocate']({ eventId: ev.id, scope: 'all' });
    await runEnded(core, ev.id);
    const expired = await untilAttendees(core, ev.id, (l) => l.every((a) => a.status === 'expired'));
    for (const a of expired) {
      assert.ok(a.endedAt !== null && a.allocatedAt !== null && a.endedAt >= a.allocatedAt);
      // the portal deletes it: the old link dies
      const u = new URL(a.activationUrl as string);
      await waitFor(async () => (await rawRequest(u.origin, `${u.pathname}${u.search}`)).status === 400, {
        message: 'the expired link still works',
      });
    }
    await core.handlers['events.update']({ eventId: ev.id, activationWindowS: 3600 });
    const first = expired[0];
    assert.ok(first);
    await core.handlers['events.reissue']({ eventId: ev.id, attendeeIds: [first.id] });
    await runEnded(core, ev.id);
    const after = await untilAttendees(core, ev.id, (l) => l.find((a) => a.id === first.id)?.status === 'waiting');
    const re = after.find((a) => a.id === first.id);
    assert.ok(re && re.session !== first.session && re.activationUrl !== first.activationUrl);
    await activate(re.activationUrl as string);
    await untilAttendees(core, ev.id, (l) => l.find((a) => a.id === first.id)?.status === 'running');
    const report = await core.handlers['events.report']({ eventId: ev.id });
    assert.equal(report.attendees.find((a) => a.attendeeId === first.id)?.sessions, 2);
    assert.equal(report.totals.expiredUnactivated, 1);
  });

  test('a session the portal gave one of the attendees outside the event is adopted, with its link', async () => {
    const { core } = f;
    const ev = await makeEvent(core, 'Adopt', [short]);
    const added = await core.handlers['events.addAttendees']({
      eventId: ev.id,
      attendees: people(2, 'adopt'),
      source: 'manual',
    });
    const target = added.added[0];
    assert.ok(target);
    const direct = await core.handlers['sessions.request']({
      portalId: 'builtin',
      environment: short,
      user: target.user,
      timeout: 3600,
    });
    const adopted = await untilAttendees(core, ev.id, (l) => l.find((a) => a.id === target.id)?.activationUrl !== null);
    const a = adopted.find((x) => x.id === target.id);
    assert.equal(a?.status, 'waiting');
    assert.equal(a?.session, direct.session);
    assert.equal(a?.activationUrl, direct.activationUrl, 'the same link, recovered with the reacquire-only request');
    assert.match(a?.flags.join(' ') ?? '', /adopted/);
    assert.equal(adopted.find((x) => x.id !== target.id)?.status, 'not-allocated');
    // and allocating the rest does not request a second session for the adopted attendee
    await core.handlers['events.allocate']({ eventId: ev.id, scope: 'unallocated' });
    assert.equal((await runEnded(core, ev.id)).run?.total, 1);
    const pushed = await untilSnapshot(core, (s) =>
      s.environments.some((e) => e.name === short && e.sessions.filter((x) => x.user.startsWith('adopt')).length === 2),
    );
    assert.equal(
      pushed.environments.find((e) => e.name === short)?.sessions.filter((x) => x.user === target.user).length,
      1,
    );
  });
});
