import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import type { ClientRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Alert, PortalSnapshot } from '../../shared/contract';
import { createConsoleCore } from '../../electron/services/console-core';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startTestEngine } from '../support/engine-harness';
import { waitFor } from '../support/http';
import { ManualClock } from '../support/manual-clock';

/**
 * The built-in engine refuses sign-ins with 429 `slow_down` and a Retry-After after repeated failed password grants
 * for one client from one address (a right password too, until the wait is over). The console says so in plain words,
 * sends nothing to the token endpoint before the wait is over (not from its polls, not from "retry now"), and signs
 * in once it is. The engine's clock is moved by the test, so its 60 s wait takes no real time.
 */
test(
  'a portal that asks the console to slow down its sign-ins: ' + 'a clear message, no request before Retry-After',
  async (t) => {
    const clock = new ManualClock();
    const te = await startTestEngine({ clock });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-throttle-'));
    const robot = te.engine.credentials.robot;
    const grant = async (password: string) => {
      const res = await fetch(`${te.url}/oauth2/token/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${robot.clientId}:${robot.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'password', username: robot.username, password }).toString(),
      });
      await res.arrayBuffer();
      return res.status;
    };
    // someone (a script with an old password) fails to sign in, again and again, until the wait is the longest (60 s)
    for (let i = 0; i < 5; i++) assert.equal(await grant(`wrong-${i}`), 400);
    for (const waitS of [1, 2, 4, 8, 16, 32]) {
      clock.advance(waitS * 1000);
      assert.equal(await grant('wrong-again'), 400);
    }
    assert.equal(await grant(robot.password), 429, 'the engine now refuses the right password too');

    // every sign-in this process sends through node:http (the console's transport; fetch above is not node:http)
    let tokenPosts = 0;
    const onRequest = (m: unknown) => {
      const req = (m as { request: ClientRequest }).request;
      if (req.method === 'POST' && req.path === '/oauth2/token/') tokenPosts++;
    };
    diagnostics.subscribe('http.client.request.start', onRequest);
    const core = await createConsoleCore({
      dataDir: dir,
      secretStore: new MemorySecretStore(),
      mode: 'web',
      version: 't',
      builtinPortal: null,
      // polls every 40 ms, backoff capped at 100 ms: without Retry-After the console would sign in ten times a second
      tuning: { requestTimeoutMs: 2000, retries: 0, pollIntervalMs: 40, maxBackoffMs: 100 },
    });
    t.after(async () => {
      diagnostics.unsubscribe('http.client.request.start', onRequest);
      await core.close();
      await te.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const pushes: PortalSnapshot[] = [];
    const alerts: Alert[] = [];
    core.events.on('monitor.portal', (s) => pushes.push(s));
    core.events.on('alerts.raised', (a) => alerts.push(a));

    const { id } = await core.handlers['portals.add']({
      label: 'Throttled',
      baseUrl: te.url,
      clientId: robot.clientId,
      clientSecret: robot.clientSecret,
      username: robot.username,
      password: robot.password,
    });
    const refused = await waitFor(() => pushes.find((s) => s.portalId === id && s.lastError !== null), {
      message: 'the first poll fails',
    });
    assert.equal(refused.status, 'credentials-rejected');
    assert.match(refused.lastError ?? '', /refuses sign-ins for (60|59) s after repeated failed ones \(slow_down\)/);
    assert.match(refused.lastError ?? '', /check the robot's password/);
    assert.equal(tokenPosts, 1);
    assert.ok(alerts.some((a) => a.kind === 'credentials-rejected' && /slow_down/.test(a.message)));

    // "retry now", again and again: the console answers from what the portal said, and sends nothing
    for (let i = 0; i < 3; i++) {
      const snap = await core.handlers['portals.retryNow']({ id });
      assert.equal(snap.status, 'credentials-rejected');
      assert.match(snap.lastError ?? '', /refuses sign-ins for \d+ s/);
    }
    // the monitor's own schedule waits too: at a 40 ms interval a dozen polls would have been due by now
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(tokenPosts, 1, 'no sign-in was sent before the Retry-After');

    // the wait is over on the portal; the facilitator re-enters the password: the console signs in once and is live
    clock.advance(60_000);
    await core.handlers['portals.update']({ id, password: robot.password });
    const live = await waitFor(() => pushes.find((s) => s.portalId === id && s.status === 'live'), {
      message: 'live after the wait',
    });
    assert.equal(live.lastError, null);
    assert.equal(tokenPosts, 2);
  },
);
