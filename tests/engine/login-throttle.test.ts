/**
 * Password guessing over HTTP (issue #8): repeated failed password grants from one client and address are refused
 * with 429 and a retry time (a right password too) while other addresses sign in as usual. Timing is never measured:
 * that the decoy hash runs for unknown users is shown by the unit test next to `login-guard.ts`.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { startTestEngine, type TestEngine } from '../support/engine-harness';
import { config } from './helpers';

let te: TestEngine;
before(async () => {
  te = await startTestEngine({ config: config('guard-portal', { workshops: [{ name: 'lab-guard', capacity: 1 }] }) });
});
after(async () => {
  await te?.close();
});

/** A password grant sent from `localAddress` (any 127.x address reaches the engine on Linux's loopback). */
function grant(
  username: string,
  password: string,
  localAddress = '127.0.0.1',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const r = te.engine.credentials.robot;
  const body = new URLSearchParams({ grant_type: 'password', username, password }).toString();
  const url = new URL(te.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/oauth2/token/',
        localAddress,
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
          authorization: `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret}`).toString('base64')}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test(
  'five failed sign-ins from one address: ' +
    'the next attempt gets 429 slow_down with Retry-After, a right password too',
  async () => {
    const robot = te.engine.credentials.robot;
    for (const [user, password] of [
      [robot.username, 'wrong-1'],
      ['nobody-here', 'wrong-2'],
      [robot.username, 'wrong-3'],
      ['nobody-either', 'wrong-4'],
      [robot.username, 'wrong-5'],
    ] as const) {
      const res = await grant(user, password);
      assert.equal(res.status, 400, res.body);
      assert.equal((JSON.parse(res.body) as { error: string }).error, 'invalid_grant');
    }
    const limited = await grant(robot.username, robot.password);
    assert.equal(limited.status, 429, limited.body);
    assert.equal((JSON.parse(limited.body) as { error: string }).error, 'slow_down');
    assert.match(limited.headers['retry-after'] ?? '', /^[1-9]\d*$/);
    assert.match(limited.headers['cache-control'] ?? '', /no-store/);

    const elsewhere = await grant(robot.username, robot.password, '127.0.0.2');
    assert.equal(elsewhere.status, 200, `another address signs in as usual: ${elsewhere.body}`);

    await new Promise((r) => setTimeout(r, Number(limited.headers['retry-after']) * 1000));
    const later = await grant(robot.username, robot.password);
    assert.equal(later.status, 200, `after the wait a right password works again: ${later.body}`);
  },
);
