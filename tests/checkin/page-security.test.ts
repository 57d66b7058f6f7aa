/**
 * The rules of a page strangers can reach, each checked over real HTTP: the CSRF token, rate limits per client
 * address and per event, Host checks, body limits, odd bodies and methods, clear pages for every error, no
 * listing, and nothing personal in the log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { rawRequest } from '../support/http';
import { AttendeeClient, bannerTitle, csrfToken } from './attendee-client';
import { eventWithCheckin, person, startCheckinFixture, type CheckinFixture } from './helpers';

const FORM = 'application/x-www-form-urlencoded';

describe('the check-in page refuses what is not a check-in', () => {
  let f: CheckinFixture;
  let url: string;
  let eventId: string;
  before(async () => {
    f = await startCheckinFixture([{ name: 'lab', capacity: 20, reserved: 0 }], {
      submissionsPerIp: 4,
      submissionsPerEvent: 9,
      requestTimeoutMs: 1500,
      headersTimeoutMs: 1000,
    });
    const e = await eventWithCheckin(f);
    url = e.status.url as string;
    eventId = e.eventId;
  });
  after(async () => f.close());

  test("a form without its token, with another browser's token, or a token without its cookie is refused", async () => {
    const a = new AttendeeClient('127.0.1.1');
    const b = new AttendeeClient('127.0.1.2');
    try {
      const tokenA = csrfToken((await a.send(url)).body);
      await b.send(url);
      const noToken = await b.send(url, { method: 'POST', body: new URLSearchParams(person(1)).toString() });
      assert.equal(noToken.status, 403);
      assert.match(noToken.body, /This form has expired/);
      const foreign = await b.submit(url, tokenA, person(1));
      assert.equal(foreign.status, 403, "another browser's token");
      const bare = await rawRequest(url, '/', {
        method: 'POST',
        headers: { host: new URL(url).host, 'content-type': FORM },
        body: new URLSearchParams({ _csrf: tokenA, ...person(1) }).toString(),
      });
      assert.equal(bare.status, 403, 'a token without the cookie it belongs to');
      assert.equal((await f.core.handlers['events.get']({ eventId })).attendees.length, 0);
    } finally {
      a.close();
      b.close();
    }
  });

  test("the cookie is HttpOnly and SameSite=Strict, and its name is the event's own", async () => {
    const page = await rawRequest(url, '/', { headers: { host: new URL(url).host } });
    const cookie = (page.headers['set-cookie'] ?? [])[0] ?? '';
    assert.match(cookie, /^checkin_[0-9a-f]{12}=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.headers['content-security-policy'] as string, /default-src 'none'/);
    assert.doesNotMatch(page.headers['content-security-policy'] as string, /script-src/);
  });

  test('bad bodies and addresses get a clear page, never a stack', async () => {
    const host = new URL(url).host;
    const cases: Array<[string, string, Record<string, string>, string | undefined, number]> = [
      ['POST', '/', { 'content-type': 'application/json' }, '{"email":"x@example.org"}', 415],
      ['POST', '/', { 'content-type': 'text/plain' }, 'email=x', 415],
      ['POST', '/', { 'content-type': FORM }, `email=${'a'.repeat(5000)}`, 413],
      ['GET', '/%c0', {}, undefined, 400],
      ['GET', '/../../etc/passwd', {}, undefined, 404],
      ['GET', '/attendees', {}, undefined, 404],
      ['GET', '/api/invoke/events.list', {}, undefined, 404],
      ['PUT', '/', {}, undefined, 404],
      ['DELETE', '/', {}, undefined, 404],
    ];
    for (const [method, p, headers, body, status] of cases) {
      const r = await rawRequest(url, p, {
        method,
        headers: { host, ...headers },
        ...(body !== undefined && { body }),
      });
      assert.equal(r.status, status, `${method} ${p}`);
      assert.match(r.headers['content-type'] as string, /text\/html/, `${method} ${p}`);
      assert.doesNotMatch(r.body, /at .*\.(ts|js):\d+|Error:|FST_/, `${method} ${p} shows no internals`);
    }
    const twice = new AttendeeClient('127.0.1.9');
    try {
      const token = csrfToken((await twice.send(url)).body);
      const r = await twice.send(url, {
        method: 'POST',
        body: `_csrf=${encodeURIComponent(token)}&email=a%40example.org&email=b%40example.org&firstName=A&code=KUBE-24`,
      });
      assert.equal(r.status, 400, 'a field sent twice');
      assert.equal(bannerTitle(r.body), 'The form could not be read. Fill it in again.');
    } finally {
      twice.close();
    }
  });

  test('a foreign Host is refused before anything runs', async () => {
    for (const host of ['evil.example', `evil.example:${new URL(url).port}`, '127.0.0.1', `127.0.0.1:1`]) {
      const r = await rawRequest(url, '/', { headers: { host } });
      assert.equal(r.status, 421, `Host: ${host}`);
      assert.equal(r.headers['set-cookie'], undefined);
    }
  });

  test('headers that trickle in are cut off', async () => {
    const u = new URL(url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(u.port), u.hostname, () => socket.write('GET / HTTP/1.1\r\nHost: '));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      setTimeout(() => reject(new Error('the connection was not closed')), 8000).unref();
    });
    assert.match(answer, /^HTTP\/1\.1 408/);
  });

  test('a flood from one address is refused, and it stays refused while it keeps sending', async () => {
    // an event of its own: each page counts its submissions per event on its own
    const { eventId, status } = await eventWithCheckin(f, { name: 'Flood' });
    const url = status.url as string;
    const flood = new AttendeeClient('127.0.2.1');
    try {
      const token = csrfToken((await flood.send(url)).body);
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await flood.submit(url, token, person(100 + i, 'WRONG'))).status);
      assert.deepEqual(codes.slice(0, 4), [403, 403, 403, 403]);
      assert.deepEqual(codes.slice(4), [429, 429, 429, 429]);
      const limited = await flood.submit(url, token, person(100));
      assert.equal(limited.status, 429);
      assert.match(limited.body, /Too many check-ins/);
      assert.ok(Number(limited.headers['retry-after']) > 0);
      const other = new AttendeeClient('127.0.2.2');
      try {
        assert.equal((await other.checkIn(url, person(200))).status, 303, 'another address is not affected');
      } finally {
        other.close();
      }
      const stats = (await f.core.handlers['checkin.get']({ eventId })).stats;
      assert.ok(stats.limited >= 5);
    } finally {
      flood.close();
    }
  });

  test('the event as a whole takes at most its per-event limit a minute', async () => {
    const { eventId, status } = await eventWithCheckin(f, { name: 'Busy' });
    const url = status.url as string;
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const c = new AttendeeClient(`127.0.3.${i + 1}`);
      try {
        codes.push((await c.checkIn(url, person(300 + i))).status);
      } finally {
        c.close();
      }
    }
    assert.deepEqual(codes, [...Array<number>(9).fill(303), 429, 429, 429], '9 a minute for the event');
    assert.equal((await f.core.handlers['events.get']({ eventId })).attendees.length, 9);
  });

  test('the log never holds an email, a name or a link', () => {
    for (const line of f.logs) assert.doesNotMatch(line, /@|token=|Ada|http:\/\//, line);
  });
});

describe('concurrent submissions of one person', () => {
  let f: CheckinFixture;
  before(async () => {
    f = await startCheckinFixture([{ name: 'lab', capacity: 20, reserved: 0 }]);
  });
  after(async () => f.close());

  test('a double tap adds the person once and gives them one session', async () => {
    const { eventId, status } = await eventWithCheckin(f);
    const c = new AttendeeClient();
    try {
      const token = csrfToken((await c.send(status.url as string)).body);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => c.submit(status.url as string, token, person(1))),
      );
      assert.deepEqual(
        answers.map((a) => a.status),
        [303, 303, 303, 303, 303],
      );
      const sessions = new Set(answers.map((a) => /\/workshops\/session\/([^/]+)\//.exec(a.location ?? '')?.[1]));
      assert.equal(sessions.size, 1);
      const detail = await f.core.handlers['events.get']({ eventId });
      assert.equal(detail.attendees.length, 1);
      const mine = await fetch(`${f.engine.url}/workshops/user/${detail.attendees[0]?.user}/sessions/`, {
        headers: { authorization: `Bearer ${await f.engine.robotToken()}` },
      });
      const body = (await mine.json()) as { sessions: unknown[] };
      assert.equal(body.sessions.length, 1, 'the portal holds one session for the person');
    } finally {
      c.close();
    }
  });
});
