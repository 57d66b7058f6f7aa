/**
 * The catalog kept serialized (routes/catalog-cache.ts): the body is copied and its countdown/extendable slots
 * patched per request, and an environment's part is rebuilt when the environment changes. Here the patched body
 * must say exactly what each session's own endpoints say, at any time and after any change, with usernames whose
 * UTF-8 is longer than their characters (the slots are byte offsets).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestEngine, type TestEngine } from '../support/engine-harness';
import { ManualClock } from '../support/manual-clock';
import { activateOk, config, requestSession } from './helpers';

const W1 = 'cache-portal-w01'; // expires 10m, overtime 5m, deadline 30m
const W2 = 'cache-portal-w02'; // no expiry
const clock = new ManualClock();
let te: TestEngine;
before(async () => {
  te = await startTestEngine({
    clock,
    config: config('cache-portal', {
      workshops: [
        { name: 'lab-timed', capacity: 30, reserved: 1, expires: '10m', overtime: '5m', deadline: '30m' },
        { name: 'lab-open', capacity: 10, reserved: 0 },
      ],
    }),
  });
});
after(async () => {
  await te?.close();
});

interface CatalogSession {
  name: string;
  state: string;
  user: string;
  expires?: string;
  countdown?: number;
  extendable?: boolean;
}

async function catalogSessions(): Promise<{ raw: string; sessions: CatalogSession[] }> {
  const res = await te.api('/workshops/catalog/environments/?sessions=true');
  const raw = await res.text();
  const body = JSON.parse(raw) as { environments: { sessions?: CatalogSession[] }[] };
  return { raw, sessions: body.environments.flatMap((e) => e.sessions ?? []) };
}

/** every timed session's countdown and extendable agree with the engine's clock and with its own schedule/ */
async function assertAgrees(): Promise<void> {
  const { sessions } = await catalogSessions();
  for (const s of sessions) {
    if (s.expires === undefined) {
      assert.equal('countdown' in s, false);
      continue;
    }
    assert.equal(s.countdown, Math.max(0, Math.floor((Date.parse(s.expires) - clock.now()) / 1000)), s.name);
    const schedule = (await (await te.api(`/workshops/session/${s.name}/schedule/`)).json()) as {
      countdown: number;
      extendable: boolean;
    };
    assert.deepEqual([s.countdown, s.extendable], [schedule.countdown, schedule.extendable], s.name);
  }
}

test('countdown and extendable are right at every moment, with multi-byte usernames', async () => {
  const users = ['zoë', 'Ünïcødé-😀', 'plain', '漢字のユーザー', 'a'.repeat(150)];
  for (const [i, user] of users.entries()) {
    const reply = await requestSession(te, W1, { user, timeout: '0' });
    if (i % 2 === 0) await activateOk(te, reply);
  }
  await requestSession(te, W2, { user: 'no-expiry-ü' });
  const { raw } = await catalogSessions();
  assert.match(raw, /"countdown":\d+ *,"extendable":(true |false)\}/, 'fixed-width slots');
  await assertAgrees();
  for (const step of [1, 999, 1_000, 59_001, 300_000, 89_000]) {
    clock.advance(step);
    await assertAgrees();
  }
  const { sessions } = await catalogSessions();
  assert.ok(
    sessions.some((s) => s.extendable === true),
    'some running session is extendable near its end',
  );
});

test('a change to a session or an environment is in the next body', async () => {
  const before = await catalogSessions();
  const victim = before.sessions.find((s) => s.user === 'plain');
  assert.ok(victim);
  const extend = await te.api(`/workshops/session/${victim.name}/terminate/`);
  assert.equal(extend.status, 200);
  await extend.text();
  const after = await catalogSessions();
  assert.equal(after.sessions.find((s) => s.name === victim.name)?.state, 'STOPPING');
  const fresh = await requestSession(te, W1, { user: 'late-comer' });
  assert.ok((await catalogSessions()).sessions.some((s) => s.name === fresh.name));
  await assertAgrees();
});

test('a clock set back makes countdowns wider than their slots: the body is still right', async () => {
  clock.rewind(3_600_000);
  await assertAgrees();
  await assertAgrees();
  clock.advance(3_600_000);
  await assertAgrees();
});
