/** Analytics webhooks: global and per-session delivery, message shape, dead webhooks. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEngine, waitFor, type TestEngine } from '../support/engine-harness';
import { analyticsMessageSchema, type AnalyticsMessage } from '../support/portal-schemas';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { activateOk, config, requestSession, uid } from './helpers';

const W1 = 'ana-portal-w01';

function isEvent(name: string, session?: string): (body: unknown) => boolean {
  return (body) => {
    const parsed = analyticsMessageSchema.safeParse(body);
    return (
      parsed.success &&
      parsed.data.event.name === name &&
      (session === undefined || parsed.data.event.session === session)
    );
  };
}

describe('delivery to the global webhook and the per-session analytics_url', () => {
  let receiver: WebhookReceiver;
  let te: TestEngine;
  before(async () => {
    receiver = await startWebhookReceiver();
    te = await startTestEngine({
      analyticsWebhookUrl: `${receiver.url}/global`,
      config: config('ana-portal', {
        workshops: [{ name: 'lab-ana', capacity: 5, reserved: 0, expires: '2m', overtime: '5m', deadline: '10m' }],
      }),
    });
  });
  after(async () => {
    await te?.close();
    await receiver?.close();
  });

  test(
    'request, activate, extend and terminate send Session events of the real portal webhook shape to ' + 'both',
    async () => {
      const user = uid('ana');
      const reply = await requestSession(te, W1, { user, analytics_url: `${receiver.url}/per-session` });
      for (const path of ['/global', '/per-session']) {
        const pending = await receiver.waitForPost(path, isEvent('Session/Pending', reply.name));
        const msg: AnalyticsMessage = analyticsMessageSchema.parse(pending.body);
        assert.equal(msg.portal.name, 'ana-portal');
        assert.equal(msg.portal.url, te.url);
        assert.equal(typeof msg.portal.uid, 'string');
        assert.equal(typeof msg.portal.generation, 'number');
        assert.equal(msg.event.user, user);
        assert.equal(msg.event.session, reply.name);
        assert.equal(msg.event.environment, W1);
        assert.equal(msg.event.workshop, 'lab-ana');
        assert.ok(!Number.isNaN(Date.parse(msg.event.timestamp)), 'timestamp is a datetime');
      }
      await activateOk(te, reply);
      await receiver.waitForPost('/global', isEvent('Session/Started', reply.name));
      await receiver.waitForPost('/per-session', isEvent('Session/Started', reply.name));
      const ext = await te.api(`/workshops/session/${reply.name}/extend/`);
      assert.equal(((await ext.json()) as { extended: boolean }).extended, true);
      await receiver.waitForPost('/per-session', isEvent('Session/Extended', reply.name));
      const t = await te.api(`/workshops/session/${reply.name}/terminate/`);
      await t.text();
      await receiver.waitForPost('/global', isEvent('Session/Stopping', reply.name));
      await receiver.waitForPost('/per-session', isEvent('Session/Stopping', reply.name));
    },
  );

  test('creating a user sends User/Create with the user', async () => {
    const user = uid('ana-new');
    await requestSession(te, W1, { user });
    const post = await receiver.waitForPost(
      '/global',
      (b) => isEvent('User/Create')(b) && analyticsMessageSchema.parse(b).event.user === user,
    );
    assert.equal(analyticsMessageSchema.parse(post.body).portal.name, 'ana-portal');
  });

  test('dashboard events posted to event/ are forwarded', async () => {
    const reply = await requestSession(te, W1, { user: uid('ana-ev'), analytics_url: `${receiver.url}/per-session` });
    await activateOk(te, reply);
    const res = await te.api(`/workshops/session/${reply.name}/event/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: { name: 'Workshop/View', data: { page: 3 } } }),
    });
    assert.equal(res.status, 200);
    await res.text();
    const post = await receiver.waitForPost('/global', isEvent('Workshop/View', reply.name));
    assert.deepEqual(analyticsMessageSchema.parse(post.body).event.data, { page: 3 });
  });

  test('the global webhook can come from spec.analytics.webhook.url', async () => {
    const other = await startTestEngine({
      config: config('cfg-ana-portal', {
        spec: { analytics: { webhook: { url: `${receiver.url}/from-config` } } },
        workshops: [{ name: 'lab-cfg-ana', capacity: 2, reserved: 0 }],
      }),
    });
    try {
      const reply = await requestSession(other, 'cfg-ana-portal-w01', { user: uid('cfg-ana') });
      await receiver.waitForPost('/from-config', isEvent('Session/Pending', reply.name));
    } finally {
      await other.close();
    }
  });
});

describe('a dead or hanging webhook never slows or fails a request', () => {
  test('connection refused: requests succeed and the engine keeps answering', async () => {
    const dead = await startWebhookReceiver();
    const deadUrl = dead.url;
    await dead.close(); // nothing listens there any more
    const te = await startTestEngine({
      analyticsWebhookUrl: `${deadUrl}/global`,
      config: config('dead-portal', { workshops: [{ name: 'lab-dead', capacity: 30, reserved: 0 }] }),
    });
    try {
      const replies = await Promise.all(
        Array.from({ length: 10 }, () =>
          requestSession(te, 'dead-portal-w01', { user: uid('dead'), analytics_url: `${deadUrl}/per-session` }),
        ),
      );
      assert.equal(new Set(replies.map((r) => r.name)).size, 10);
      const res = await te.api('/workshops/catalog/environments/');
      assert.equal(res.status, 200);
      await res.text();
    } finally {
      await te.close();
    }
  });

  test('a webhook that never answers: each reply arrives before its own delivery is given up', async () => {
    const hole = await startWebhookReceiver({ hold: true });
    const te = await startTestEngine({
      analyticsWebhookUrl: `${hole.url}/global`,
      config: config('hole-portal', { workshops: [{ name: 'lab-hole', capacity: 30, reserved: 0 }] }),
    });
    try {
      await te.robotToken();
      // An engine that waited for its webhook could only answer after giving the delivery up (its 2.5 s timeout),
      // which the receiver sees as an aborted request. So: at the moment each reply arrives, the deliveries made
      // for that very session must not have been abandoned. This is an ordering check, not a timing one.
      const checks = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const path = `/per-session/${i}`;
          const reply = await requestSession(te, 'hole-portal-w01', {
            user: uid('hole'),
            analytics_url: `${hole.url}${path}`,
          });
          const abandoned = hole.posts.filter((p) => p.path === path && p.aborted).length;
          return { reply, path, abandoned };
        }),
      );
      for (const c of checks)
        assert.equal(c.abandoned, 0, `${c.reply.name}: its delivery was given up before the reply arrived`);
      // Deliveries really are made and left hanging (the engine may bound how many run at once, so wait for one).
      await waitFor(() => hole.posts.some((p) => p.path.startsWith('/per-session/')), {
        message: 'a held per-session delivery',
      });
      assert.ok(hole.openCount() >= 1);
      const res = await te.api('/workshops/catalog/environments/');
      assert.equal(res.status, 200);
      await res.text();
    } finally {
      await te.close();
      await hole.close();
    }
  });
});
