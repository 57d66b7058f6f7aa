/**
 * Fidelity details found by reading the engine against the reference (portal-rest-api.md) and the portal's code it
 * describes. Each test pins one behaviour where the engine used to differ from the real portal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatIsoTimestamp } from '../../electron/engine/domain/datetime';
import { countdown, extensionThreshold, isExpiring } from '../../electron/engine/domain/extension';
import { startTestEngine, waitFor, type TestEngine, type TestEngineOptions } from '../support/engine-harness';
import { ManualClock } from '../support/manual-clock';
import { analyticsMessageSchema } from '../support/portal-schemas';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import {
  catalog,
  config,
  environment,
  expectNoSession,
  expectPlainText,
  requestRaw,
  requestSession,
  uid,
} from './helpers';

const location = (res: Response, base: string): URL => new URL(res.headers.get('location') ?? '', base);

describe('expiry fields', () => {
  test('expiring compares the whole-second countdown with the threshold', () => {
    // duration 1801 s: threshold 450.25 s; 450.5 s left is a countdown of 450, which is below it
    const inputs = { durationS: 1801, overtimeS: 0, deadlineS: 1801 };
    assert.equal(extensionThreshold(1801), 450.25);
    assert.equal(countdown(450_500, 0), 450);
    assert.equal(isExpiring(inputs, 450_500, 0), true);
    assert.equal(isExpiring(inputs, 451_000, 0), false);
  });
});

describe('request parameters are read like Django request.GET.get(...).strip()', () => {
  let te: TestEngine;
  before(async () => {
    te = await startTestEngine({
      config: config('fid-portal', { workshops: [{ name: 'lab-fid', capacity: 10, reserved: 0 }] }),
    });
  });
  after(async () => te?.close());

  test('a repeated parameter uses its last value', async () => {
    const first = uid('first');
    const second = uid('second');
    const res = await te.api(
      `/workshops/environment/fid-portal-w01/request/?index_url=https%3A%2F%2Fhub.test%2F&user=${first}&user=${second}`,
    );
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { user: string }).user, second);
  });

  test('surrounding whitespace is stripped: a blank index_url is missing, a padded user name is trimmed', async () => {
    await expectPlainText(
      await requestRaw(te, 'fid-portal-w01', { index_url: '   ', user: uid('blank') }),
      400,
      'Need redirect URL for workshop index',
    );
    const name = uid('padded');
    const reply = await requestSession(te, 'fid-portal-w01', { user: `  ${name} ` });
    assert.equal(reply.user, name);
    assert.match(reply.url, /&index_url=https%3A%2F%2Fhub\.test%2F$/);
  });

  test('catalog sessions=: the last value counts', async () => {
    const env = (await catalog(te, '?sessions=false&sessions=true')).environments[0];
    assert.ok(env !== undefined && Array.isArray(env.sessions), 'sessions listed');
    const none = (await catalog(te, '?sessions=true&sessions=false')).environments[0];
    assert.ok(none !== undefined && none.sessions === undefined, 'sessions not listed');
  });
});

describe('re-requesting a pending session (mark_as_pending)', () => {
  let te: TestEngine;
  before(async () => {
    te = await startTestEngine({
      config: config('pend-portal', { workshops: [{ name: 'lab-pend', capacity: 10, reserved: 0 }] }),
    });
  });
  after(async () => te?.close());

  const sessionOf = async (name: string) =>
    (await environment(te, 'pend-portal-w01')).sessions?.find((s) => s.name === name);

  test('the activation window restarts even when the reacquire name then differs (503)', async () => {
    const user = uid('reacq');
    const reply = await requestSession(te, 'pend-portal-w01', { user, timeout: '60' });
    assert.ok(((await sessionOf(reply.name))?.countdown ?? 0) <= 60);
    await expectNoSession(
      await requestRaw(te, 'pend-portal-w01', { user, timeout: '600', session: 'pend-portal-w01-s999' }),
    );
    const after = await sessionOf(reply.name);
    assert.ok((after?.countdown ?? 0) > 60, `window restarted with the new timeout, countdown ${after?.countdown}`);
  });

  test('timeout=0 on a workshop without duration keeps the earlier activation deadline', async () => {
    const user = uid('keep');
    const reply = await requestSession(te, 'pend-portal-w01', { user, timeout: '120' });
    const again = await requestSession(te, 'pend-portal-w01', { user, timeout: '0' });
    assert.equal(again.name, reply.name);
    assert.equal(again.url, reply.url, 'same token');
    const s = await sessionOf(reply.name);
    assert.ok(s?.expires !== undefined && (s.countdown ?? 0) > 60, 'the deadline is still set');
  });
});

describe('portal maximum', () => {
  test('when active >= maximum and no reserved session is left to reclaim, the session is still created', async () => {
    // Removing lab-b leaves its reserved session STOPPING (unowned, still active) for the start-up delay. Then the
    // second request finds active >= maximum, allocated < maximum and no reserved session left to reclaim.
    const yaml = (withB: boolean): string =>
      config('max-portal', {
        portal: { sessions: { maximum: 2 } },
        workshops: [
          { name: 'lab-a', capacity: 3, reserved: 0 },
          ...(withB ? [{ name: 'lab-b', capacity: 1, reserved: 1 }] : []),
        ],
      });
    const clock = new ManualClock();
    const te = await startTestEngine({ clock, startupDelayMs: 2000, config: yaml(true) });
    try {
      clock.advance(2000);
      assert.equal((await environment(te, 'max-portal-w01')).state, 'RUNNING');
      await te.restart({ config: yaml(false) });
      assert.equal((await environment(te, 'max-portal-w02')).state, 'STOPPING');
      const first = await requestSession(te, 'max-portal-w01', { user: uid('max') });
      const second = await requestSession(te, 'max-portal-w01', { user: uid('max') });
      assert.notEqual(first.name, second.name);
      // allocated reached the maximum
      await expectNoSession(await requestRaw(te, 'max-portal-w01', { user: uid('max') }));
    } finally {
      await te.close();
    }
  });

  test(
    'a portal over its maximum stops only the excess of reserved sessions, oldest first; ' +
      'no Session/Deleted for them',
    async () => {
      const receiver = await startWebhookReceiver();
      const yaml = (maximum: number): string =>
        config('trim-portal', {
          portal: { sessions: { maximum } },
          workshops: [
            { name: 'lab-x', capacity: 4, reserved: 2 },
            { name: 'lab-y', capacity: 4, reserved: 2 },
          ],
        });
      const te = await startTestEngine({ analyticsWebhookUrl: `${receiver.url}/hook`, config: yaml(4) });
      try {
        const available = async (): Promise<number> =>
          (await catalog(te)).environments.reduce((n, e) => n + e.available, 0);
        await waitFor(async () => (await available()) === 4);
        await te.restart({ config: yaml(3) });
        const x = await environment(te, 'trim-portal-w01');
        assert.equal(x.available, 1, 'the oldest reserved session (lab-x s001) was stopped');
        assert.equal(await available(), 3, 'one over the maximum: one stopped, not all of them');
        // the reserved session stopped without an owner: Session/Terminate, but no Session/Deleted (cleanup.py)
        await waitFor(async () => (await te.api('/workshops/session/trim-portal-w01-s001/schedule/')).status === 404);
        const reply = await requestSession(te, 'trim-portal-w02', { user: uid('trim') });
        const t = await te.api(`/workshops/session/${reply.name}/terminate/`);
        await t.text();
        const isDeleted = (b: unknown, session: string): boolean => {
          const m = analyticsMessageSchema.safeParse(b);
          return m.success && m.data.event.name === 'Session/Deleted' && m.data.event.session === session;
        };
        await receiver.waitForPost('/hook', (b) => isDeleted(b, reply.name));
        assert.ok(
          receiver.posts.some((p) => {
            const m = analyticsMessageSchema.safeParse(p.body);
            return (
              m.success && m.data.event.name === 'Session/Terminate' && m.data.event.session === 'trim-portal-w01-s001'
            );
          }),
        );
        assert.ok(
          !receiver.posts.some((p) => isDeleted(p.body, 'trim-portal-w01-s001')),
          'no Session/Deleted for a session that never had an owner',
        );
      } finally {
        await te.close();
        await receiver.close();
      }
    },
  );
});

/** before/after hooks for an engine whose analytics webhook is a receiver's `/hook`; fields are set in before(). */
function engineWithWebhook(options: TestEngineOptions): { te: TestEngine; receiver: WebhookReceiver } {
  const ctx = {} as { te: TestEngine; receiver: WebhookReceiver };
  before(async () => {
    ctx.receiver = await startWebhookReceiver();
    ctx.te = await startTestEngine({ analyticsWebhookUrl: `${ctx.receiver.url}/hook`, ...options });
  });
  after(async () => {
    await ctx.te?.close();
    await ctx.receiver?.close();
  });
  return ctx;
}

describe('browser session page and /delete/', () => {
  const w = engineWithWebhook({
    config: config('web-portal', {
      portal: { registration: { type: 'anonymous', enabled: true } },
      workshops: [{ name: 'lab-web', capacity: 5, reserved: 0 }],
    }),
  });

  test('a browser that is not logged in goes to /?next=<path> (login_required(login_url="/"))', async () => {
    const res = await fetch(`${w.te.url}/workshops/session/web-portal-w01-s001/delete/?notification=startup-timeout`, {
      redirect: 'manual',
    });
    await res.text();
    assert.equal(res.status, 302);
    assert.equal(
      res.headers.get('location'),
      '/?next=/workshops/session/web-portal-w01-s001/delete/%3Fnotification%3Dstartup-timeout',
    );
  });

  test('a query too long for a Location header is left out of next, so the redirect stays readable', async () => {
    const res = await fetch(`${w.te.url}/workshops/session/web-portal-w01-s001/?x=${'%7B'.repeat(4000)}`, {
      redirect: 'manual',
    });
    await res.text();
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/?next=/workshops/session/web-portal-w01-s001/');
  });

  test('an index_url with characters a header cannot carry is percent-encoded in the redirect, not a 500', async () => {
    const res = await fetch(
      `${w.te.url}/workshops/environment/web-portal-w99/create/?index_url=https%3A%2F%2Fhub.test%2F%00%E4%BE%8B`,
      { redirect: 'manual' },
    );
    await res.text();
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://hub.test/%00%E4%BE%8B?notification=workshop-invalid');
  });

  test(
    '/delete/ sends Session/Stopping; ' + 'the own STOPPED session without index_url is then session-invalid',
    async () => {
      const created = await fetch(`${w.te.url}/workshops/environment/web-portal-w01/create/`, { redirect: 'manual' });
      await created.text();
      assert.equal(created.status, 302);
      const session = /\/workshops\/session\/([^/]+)\/$/.exec(location(created, w.te.url).pathname)?.[1];
      assert.ok(session);
      const cookie = created.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const del = await fetch(`${w.te.url}/workshops/session/${session}/delete/`, {
        headers: { cookie },
        redirect: 'manual',
      });
      await del.text();
      assert.equal(del.status, 302);
      assert.equal(location(del, w.te.url).searchParams.get('notification'), 'session-deleted');
      const stopping = await w.receiver.waitForPost('/hook', (b) => {
        const m = analyticsMessageSchema.safeParse(b);
        return (
          m.success &&
          m.data.event.session === session &&
          ['Session/Stopping', 'Session/Terminate'].includes(m.data.event.name)
        );
      });
      assert.equal(analyticsMessageSchema.parse(stopping.body).event.name, 'Session/Stopping');
      await waitFor(async () => {
        const res = await fetch(`${w.te.url}/workshops/session/${session}/`, {
          headers: { cookie },
          redirect: 'manual',
        });
        await res.text();
        const to = location(res, w.te.url);
        return res.status === 302 && to.searchParams.get('notification') === 'session-invalid' ? to : undefined;
      });
    },
  );
});

describe('analytics message shapes', () => {
  const w = engineWithWebhook({
    purgeAfterMs: 200,
    config: config('shape-portal', {
      workshops: [{ name: 'lab-shape', alias: 'shape-alias', capacity: 5, reserved: 1 }],
    }),
  });

  const named = (name: string) => (b: unknown) =>
    analyticsMessageSchema.safeParse(b).success && analyticsMessageSchema.parse(b).event.name === name;

  test('environment events carry no user or session and name the published workshop (alias)', async () => {
    const post = await w.receiver.waitForPost('/hook', named('Environment/Created'));
    const event = (post.body as { event: Record<string, unknown> }).event;
    assert.deepEqual(Object.keys(event).sort(), ['data', 'environment', 'name', 'timestamp', 'workshop']);
    assert.equal(event['workshop'], 'shape-alias');
    assert.equal(event['environment'], 'shape-portal-w01');
    assert.equal(
      analyticsMessageSchema.parse(post.body).portal.url,
      w.te.url,
      'sent with the portal URL, even at start',
    );
  });

  test('session events name the Workshop resource; timestamps are isoformat() with +00:00', async () => {
    const post = await w.receiver.waitForPost('/hook', named('Session/Created'));
    const msg = analyticsMessageSchema.parse(post.body);
    assert.equal(msg.event.workshop, 'lab-shape');
    assert.equal(msg.event.user, null);
    assert.match(msg.event.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    assert.equal(formatIsoTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05.678000+00:00');
    assert.equal(formatIsoTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5)), '2026-01-02T03:04:05+00:00');
  });

  test('User/Create carries {group: anonymous}; the robot and admin accounts send none', async () => {
    const user = uid('shape');
    await requestSession(w.te, 'shape-portal-w01', { user });
    const post = await w.receiver.waitForPost(
      '/hook',
      (b) => named('User/Create')(b) && analyticsMessageSchema.parse(b).event.user === user,
    );
    assert.deepEqual(analyticsMessageSchema.parse(post.body).event.data, { group: 'anonymous' });
    const robot = w.te.engine.credentials.robot.username;
    const admin = w.te.engine.credentials.admin.username;
    const creates = w.receiver.posts
      .filter((p) => named('User/Create')(p.body))
      .map((p) => analyticsMessageSchema.parse(p.body).event.user);
    assert.ok(!creates.includes(robot) && !creates.includes(admin), `no User/Create for ${robot} or ${admin}`);
  });

  test('an anonymous user with no session records is purged (User/Delete) by the reconcile', async () => {
    const user = uid('nosession');
    // a reacquire miss creates the user but no session
    await expectNoSession(await requestRaw(w.te, 'shape-portal-w01', { user, session: 'shape-portal-w01-s999' }));
    await new Promise((r) => setTimeout(r, 300)); // older than purgeAfterMs
    await w.te.restart(); // the reconcile runs at start
    const post = await w.receiver.waitForPost(
      '/hook',
      (b) => named('User/Delete')(b) && analyticsMessageSchema.parse(b).event.user === user,
    );
    assert.deepEqual(analyticsMessageSchema.parse(post.body).event.data, { group: 'anonymous' });
  });
});

describe('terminate', () => {
  test('terminating a session that is already STOPPING marks it again: expires moves to now', async () => {
    const clock = new ManualClock();
    const te = await startTestEngine({
      clock,
      startupDelayMs: 3000,
      config: config('term-portal', { workshops: [{ name: 'lab-term', capacity: 3, reserved: 0, expires: '30m' }] }),
    });
    try {
      clock.advance(3000);
      assert.equal((await environment(te, 'term-portal-w01')).state, 'RUNNING');
      const reply = await requestSession(te, 'term-portal-w01', { user: uid('term') });
      const first = (await (await te.api(`/workshops/session/${reply.name}/terminate/`)).json()) as { expires: string };
      clock.advance(20); // still STOPPING: its simulated deletion takes 3 s
      const second = (await (await te.api(`/workshops/session/${reply.name}/terminate/`)).json()) as {
        expires: string;
      };
      assert.equal(
        Date.parse(second.expires) - Date.parse(first.expires),
        20,
        `${second.expires} after ${first.expires}`,
      );
    } finally {
      await te.close();
    }
  });
});
