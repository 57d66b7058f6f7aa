/**
 * `orphaned` and `overdue` (issue #12), on clocks the tests move. The engine has no workshop dashboard, so a
 * session's activity is its page: the page reports to `activity/` while it is open. No sign of life for `orphaned`
 * ends a running session (`Session/Orphaned`), none while the page was in view for 3 × `orphaned` too
 * (`Session/Inactive`). A session still starting `overdue` after it was allocated sends its page to
 * `/delete/?notification=startup-timeout` (Educates only: Learning Center has no startup timeout).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EDUCATES_API, LEARNING_CENTER_API, startTestEngine, type TestEngine } from '../support/engine-harness';
import { ManualClock } from '../support/manual-clock';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { config, INDEX_URL, qs } from './helpers';

const ENV = 'idle-portal-w01';

function yaml(apiVersion: string): string {
  return config('idle-portal', {
    apiVersion,
    portal: { registration: { type: 'anonymous' } },
    workshops: [{ name: 'lab-idle', capacity: 20, reserved: 0, expires: '30m', orphaned: '60s', overdue: '5s' }],
  });
}

interface Browser {
  cookie: string;
  session: string;
}

/** The anonymous web flow: a browser without a login gets a session and a cookie. */
async function newBrowser(te: TestEngine): Promise<Browser> {
  const res = await fetch(`${te.url}/workshops/environment/${ENV}/create/${qs({ index_url: INDEX_URL })}`, {
    redirect: 'manual',
  });
  await res.text();
  const session = /^\/workshops\/session\/([^/]+)\/$/.exec(res.headers.get('location') ?? '')?.[1];
  assert.ok(session, `redirected to a session page: ${res.headers.get('location')}`);
  return {
    cookie: res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
    session,
  };
}

async function beat(
  te: TestEngine,
  b: Browser,
  visible: boolean,
): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const res = await fetch(`${te.url}/workshops/session/${b.session}/activity/`, {
    method: 'POST',
    headers: { cookie: b.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ visible }),
  });
  const text = await res.text();
  return { status: res.status, body: res.status === 200 ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** The session's state in the robot's catalog (both dialects list it there), or 404 once it is gone. */
async function state(te: TestEngine, session: string): Promise<string | number> {
  const res = await te.api('/workshops/catalog/environments/?sessions=true');
  const body = (await res.json()) as { environments: { sessions?: { name: string; state: string }[] }[] };
  return body.environments.flatMap((e) => e.sessions ?? []).find((x) => x.name === session)?.state ?? 404;
}

describe('orphaned: the session page is the activity', () => {
  for (const [dialect, apiVersion] of [
    ['educates', EDUCATES_API],
    ['learningcenter', LEARNING_CENTER_API],
  ] as const) {
    describe(dialect, () => {
      const clock = new ManualClock();
      let te: TestEngine;
      let receiver: WebhookReceiver;
      before(async () => {
        receiver = await startWebhookReceiver();
        te = await startTestEngine({ clock, config: yaml(apiVersion), analyticsWebhookUrl: `${receiver.url}/hook` });
      });
      after(async () => {
        await te?.close();
        await receiver?.close();
      });
      const event = (name: string, session: string) =>
        receiver.waitForPost('/hook', (b) => {
          const e = (b as { event?: { name?: string; session?: string } }).event;
          return e?.name === name && e.session === session;
        });

      test(
        'a page that keeps reporting keeps its session; ' + 'one that stops for 60 s loses it (Session/Orphaned)',
        async () => {
          const b = await newBrowser(te);
          assert.equal(await state(te, b.session), 'RUNNING');
          for (let i = 0; i < 4; i++) {
            clock.advance(50_000);
            assert.equal((await beat(te, b, true)).status, 200);
          }
          assert.equal(await state(te, b.session), 'RUNNING', '200 s with a beat every 50 s');
          clock.advance(59_999);
          assert.equal(await state(te, b.session), 'RUNNING', '1 ms before 60 s of silence');
          clock.advance(1);
          assert.equal(await state(te, b.session), 'STOPPING');
          await event('Session/Orphaned', b.session);
        },
      );

      test('a page out of view that still reports loses its session after 3 × 60 s (Session/Inactive)', async () => {
        const b = await newBrowser(te);
        for (let i = 0; i < 3; i++) {
          clock.advance(50_000);
          assert.equal((await beat(te, b, false)).status, 200);
        }
        clock.advance(29_999);
        assert.equal(await state(te, b.session), 'RUNNING', '1 ms before 180 s out of view');
        clock.advance(1);
        assert.equal(await state(te, b.session), 'STOPPING');
        await event('Session/Inactive', b.session);
      });

      test('a requested session not yet activated is never orphaned; a stranger’s beat is refused', async () => {
        const res = await te.api(
          `/workshops/environment/${ENV}/request/${qs({ index_url: INDEX_URL, user: 'pending-user', timeout: '0' })}`,
        );
        const reply = (await res.json()) as { name: string };
        // Educates: timeout=0 leaves it pending until its 30 min expiry; Learning Center's fixed 60 s ends it first
        clock.advance(dialect === 'educates' ? 600_000 : 59_000);
        assert.equal(await state(te, reply.name), 'WAITING', 'pending sessions are not checked for activity');
        const b = await newBrowser(te);
        assert.equal((await beat(te, { cookie: b.cookie, session: reply.name }, true)).status, 403);
        assert.equal((await beat(te, { cookie: '', session: b.session }, true)).status, 403);
      });
    });
  }
});

describe('overdue: start-up that takes too long', () => {
  const engines = new Map<string, { te: TestEngine; clock: ManualClock }>();
  before(async () => {
    for (const [dialect, apiVersion] of [
      ['educates', EDUCATES_API],
      ['learningcenter', LEARNING_CENTER_API],
    ] as const) {
      const clock = new ManualClock();
      const te = await startTestEngine({ clock, startupDelayMs: 10_000, config: yaml(apiVersion) });
      clock.advance(10_000); // the environment itself starts
      engines.set(dialect, { te, clock });
    }
  });
  after(async () => {
    for (const { te } of engines.values()) await te.close();
  });

  // one table, two columns: what the page is told 1 ms before and at the 5 s overdue, and where /delete/ sends it
  const expectations = {
    educates: { before: null, at: '/delete/?notification=startup-timeout', page: 302, index: 'startup-timeout' },
    learningcenter: { before: null, at: null, page: 200, index: 'session-deleted' },
  } as const;
  for (const dialect of ['educates', 'learningcenter'] as const) {
    const outcome =
      expectations[dialect].at === null ? 'no startup timeout' : 'the page is sent to /delete/ with startup-timeout';
    test(`${dialect}: ${outcome}`, async () => {
      const entry = engines.get(dialect);
      assert.ok(entry);
      const { te, clock } = entry;
      const b = await newBrowser(te);
      assert.equal(await state(te, b.session), 'STARTING');
      clock.advance(4_999);
      const early = await beat(te, b, true);
      assert.deepEqual([early.body?.['state'], early.body?.['redirect']], ['STARTING', expectations[dialect].before]);
      clock.advance(1);
      const late = await beat(te, b, true);
      const at = expectations[dialect].at;
      assert.equal(late.body?.['redirect'], at === null ? null : `/workshops/session/${b.session}${at}`);
      const page = await fetch(`${te.url}/workshops/session/${b.session}/`, {
        headers: { cookie: b.cookie },
        redirect: 'manual',
      });
      await page.text();
      assert.equal(page.status, expectations[dialect].page);
      const del = await fetch(`${te.url}/workshops/session/${b.session}/delete/?notification=startup-timeout`, {
        headers: { cookie: b.cookie },
        redirect: 'manual',
      });
      await del.text();
      assert.equal(
        new URL(del.headers.get('location') ?? '', te.url).searchParams.get('notification'),
        expectations[dialect].index,
      );
      assert.equal(await state(te, b.session), 'STOPPING');
    });
  }
});

describe('config/: the session page is the workshop URL', () => {
  test(
    'url is the engine’s page for the session, which its owner can open; ' + 'null while the session starts',
    async () => {
      const clock = new ManualClock();
      const te = await startTestEngine({ clock, startupDelayMs: 1_000, config: yaml(EDUCATES_API) });
      try {
        clock.advance(1_000);
        const b = await newBrowser(te);
        const starting = (await (await te.api(`/workshops/session/${b.session}/config/`)).json()) as {
          url: string | null;
          password: string;
        };
        assert.equal(starting.url, null);
        clock.advance(1_000);
        const running = (await (await te.api(`/workshops/session/${b.session}/config/`)).json()) as {
          url: string | null;
          password: string;
        };
        assert.equal(running.url, `${te.url}/workshops/session/${b.session}/`);
        assert.match(running.password, /^[A-Za-z0-9]{32}$/);
        const page = await fetch(running.url, { headers: { cookie: b.cookie }, redirect: 'manual' });
        assert.equal(page.status, 200);
        assert.match(await page.text(), new RegExp(`id="session-name">${b.session}<`));
      } finally {
        await te.close();
      }
    },
  );
});
