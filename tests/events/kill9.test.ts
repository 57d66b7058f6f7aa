import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { AttendeeView, EventSummary, PortalSnapshot } from '../../shared/contract';
import { rawRequest, waitFor } from '../support/engine-harness';
import { spawnWebCli, type WebCli } from './cli-helpers';
import { labConfig, people } from './helpers';

const ATTENDEES = 600;
const KILL_AFTER = 40;

async function environment(cli: WebCli): Promise<string> {
  return waitFor(
    async () => {
      const snap = await cli.invoke('monitor.snapshot', {});
      const env = snap.portals[0]?.environments.find((e) => e.workshop.name === 'lab-k8s' && e.state === 'RUNNING');
      return env?.name;
    },
    { timeoutMs: 30_000, message: 'the built-in portal did not come up' },
  );
}

/** the path and activation token of a link (the engine may listen on another port after a restart) */
const linkKey = (url: string | null) => {
  const u = new URL(url as string);
  return `${u.pathname}?token=${u.searchParams.get('token')}`;
};

test(
  'kill -9 mid-allocation loses no allocation shown; after a restart links work, nobody holds two sessions',
  { timeout: 240_000 },
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-kill9-'));
    const config = path.join(dir, 'portal.yaml');
    fs.writeFileSync(
      config,
      labConfig([{ name: 'lab-k8s', capacity: ATTENDEES + 10, reserved: 0, initial: 0, expires: '2h' }]),
    );
    const data = path.join(dir, 'console');
    const clis: WebCli[] = [];
    t.after(() => {
      for (const c of clis) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const first = await spawnWebCli(['--data', data, '--engine-config', config]);
    clis.push(first);
    const env = await environment(first);
    const now = Date.now();
    const ev = await first.invoke('events.create', {
      name: 'Killed',
      portalId: 'builtin',
      environments: [env],
      startsAt: now,
      endsAt: now + 3_600_000,
    });
    await first.invoke('events.addAttendees', { eventId: ev.id, attendees: people(ATTENDEES, 'k'), source: 'csv' });

    // every attendee a push showed as allocated, with the session and link it showed
    const seen = new Map<string, AttendeeView>();
    let killed = false;
    const stream = await first.subscribe((event, payload) => {
      if (event !== 'events.changed' || killed) return;
      for (const a of (payload as { attendees: AttendeeView[] }).attendees) {
        if (a.status === 'waiting' && a.session && a.activationUrl) seen.set(a.id, a);
      }
      if (seen.size >= KILL_AFTER) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    await first.invoke('events.allocate', { eventId: ev.id, scope: 'all', concurrency: 2 });
    const exit = await first.exited;
    stream.close();
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(seen.size >= KILL_AFTER);

    const second = await spawnWebCli(['--data', data, '--engine-config', config]);
    clis.push(second);
    // reconciled: no intent left open, every live session has its link again
    const list = await waitFor(
      async () => {
        const d = await second.invoke('events.get', { eventId: ev.id });
        const open = d.attendees.filter(
          (a) => a.status === 'allocating' || (a.status === 'waiting' && !a.activationUrl),
        );
        return open.length === 0 ? d.attendees : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, message: 'the event was not reconciled after the restart' },
    );
    for (const s of seen.values()) {
      const a = list.find((x) => x.id === s.id);
      assert.equal(a?.status, 'waiting', `${s.email} is ${a?.status}`);
      assert.equal(a?.session, s.session, `${s.email} kept its session`);
      assert.equal(linkKey(a?.activationUrl ?? null), linkKey(s.activationUrl), `${s.email} kept its link`);
    }
    const allocated = list.filter((a) => a.status === 'waiting').length;
    assert.ok(allocated < ATTENDEES, 'the kill came mid-run (some attendees were never requested)');

    // a link the console had shown before it was killed still activates: the built-in engine kept its port
    const handedOut = [...seen.values()][0] as AttendeeView;
    const link = new URL(handedOut.activationUrl as string);
    const opened = await rawRequest(link.origin, `${link.pathname}${link.search}`);
    assert.equal(opened.status, 302, `the link from before the restart answered ${opened.status}`);
    await waitFor(
      async () => {
        const d = await second.invoke('events.get', { eventId: ev.id });
        return d.attendees.find((a) => a.id === handedOut.id)?.status === 'running' ? true : undefined;
      },
      { timeoutMs: 30_000, message: 'the console did not see the session running' },
    );

    const owners = async () => {
      const snap = await waitFor(
        async () =>
          (await second.invoke('monitor.snapshot', {})).portals.find((p: PortalSnapshot) => p.status === 'live'),
        { timeoutMs: 30_000 },
      );
      return snap.environments.find((e) => e.name === env)?.sessions.map((s) => s.user) ?? [];
    };
    const before = await owners();
    assert.equal(new Set(before).size, before.length, 'nobody holds two sessions');
    assert.equal(before.length, allocated, 'every session on the portal is known to the event');

    // the rest, without a second session for anyone
    await second.invoke('events.allocate', { eventId: ev.id, scope: 'unallocated', concurrency: 4 });
    const end = await waitFor(
      async () => {
        const s: EventSummary = (await second.invoke('events.get', { eventId: ev.id })).event;
        return s.run?.status === 'done' ? s : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    assert.equal(end.counts.waiting + end.counts.running, ATTENDEES);
    const after = await waitFor(
      async () => {
        const o = await owners();
        return o.length === ATTENDEES ? o : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(new Set(after).size, ATTENDEES, 'one session per attendee');
    second.child.kill('SIGTERM');
    assert.equal((await second.exited).code, 0);
  },
);
