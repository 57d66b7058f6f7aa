/**
 * `npm run bench:checkin`: 300 people check in within a minute on an event's check-in page, against the built-in
 * engine (a child process, as a user runs it) through the console core.
 *
 * Each person arrives at a random moment of the minute, loads the page, sends the form and follows the redirect to
 * the activation link, as a phone's browser does; every tenth person taps "Check in" twice at once (the same form sent
 * twice together). The figure is the time from sending the form to the redirect (the 303 with the activation URL),
 * p50 and p99. The baseline, in the same run and the same minute: at each person's arrival the same session request
 * goes straight to the portal's REST API (a token fetched once, nothing stored, for a user of its own on a second
 * environment), timed from send to answer.
 * Checks: no error; each double tap lands on one session; the portal holds exactly one session per person (its
 * catalog with sessions) and the event lists each person once, as a walk-in, with that session.
 * People come from 127.0.0.2 to 127.0.0.201 (the page limits submissions per address, as a venue's phones each have
 * their own). BENCH_PEOPLE, BENCH_SPREAD_S change the sizes; BENCH_WRITE=0 leaves BENCHMARKS.md alone.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createConsoleCore } from '../electron/services/console-core';
import { MemorySecretStore } from '../electron/services/secret-store';
import { benchCredentials, benchPortalConfig } from './lib/bench-portal';
import { getToken } from '../tests/support/engine-harness';
import { AttendeeClient, csrfToken, type Answer } from '../tests/checkin/attendee-client';
import { spawnListening } from './lib/child';
import { machineLine, writeSection } from './lib/benchmarks-md';

const PEOPLE = Number(process.env['BENCH_PEOPLE'] ?? 300);
const SPREAD_S = Number(process.env['BENCH_SPREAD_S'] ?? 60);
const DOUBLE_TAP_EVERY = 10;
const ADDRESSES = 200;
const ROOT = path.resolve(__dirname, '..');

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** a fixed pseudo-random sequence (mulberry32), so runs are comparable */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const sleepUntil = (t0: number, atMs: number) =>
  new Promise<void>((r) => setTimeout(r, Math.max(0, t0 + atMs - performance.now())));

/** the baseline: the session request the console sends, straight to the portal */
function rawRequest(agent: http.Agent, url: string, bearer: string, env: string, i: number): Promise<number> {
  const index = encodeURIComponent(`${url}/workshops/catalog/`);
  const q =
    `index_url=${index}&user=raw${i}-example-org&email=raw${i}%40example.org` +
    `&first_name=First${i}&last_name=Last${i}&timeout=3600`;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/workshops/environment/${env}/request/?${q}`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${bearer}`, accept: 'application/json', 'content-length': '0' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - t0)
            : reject(new Error(`raw request answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface Person {
  i: number;
  atMs: number;
  doubleTap: boolean;
}

interface Outcome {
  submitMs: number[];
  sessions: string[];
  errors: string[];
}

const SESSION_OF = /\/workshops\/session\/([^/]+)\/activate\/\?token=/;

/** one person: the page, the form (the same form twice at once for a double tap), the redirect followed */
async function checkIn(pageUrl: string, engineUrl: string, p: Person): Promise<Outcome> {
  const client = new AttendeeClient(`127.0.0.${2 + (p.i % ADDRESSES)}`);
  const out: Outcome = { submitMs: [], sessions: [], errors: [] };
  const fields = {
    firstName: `Ada${p.i}`,
    lastName: `Lovelace${p.i}`,
    email: `ada${p.i}@example.org`,
    code: 'BENCH-1',
  };
  try {
    const page = await client.send(pageUrl);
    if (page.status !== 200) throw new Error(`the page answered ${page.status}`);
    // a double tap sends the same form twice
    const tokens = Array.from({ length: p.doubleTap ? 2 : 1 }, () => csrfToken(page.body));
    const answers = await Promise.all(
      tokens.map(async (t): Promise<Answer> => {
        const t0 = performance.now();
        const a = await client.submit(pageUrl, t, fields);
        out.submitMs.push(performance.now() - t0);
        return a;
      }),
    );
    for (const a of answers) {
      const toEngine = a.status === 303 && a.location?.startsWith(engineUrl);
      const session = toEngine ? SESSION_OF.exec(a.location as string)?.[1] : undefined;
      if (!session) out.errors.push(`person ${p.i}: ${a.status} ${a.status === 303 ? 'to an unexpected place' : ''}`);
      else out.sessions.push(session);
    }
    const first = answers.find((a) => a.status === 303)?.location;
    if (first) {
      const landed = await client.follow(first);
      if (!/\/workshops\/session\/[^/]+\/$/.test(landed.url) || landed.answer.status !== 200) {
        out.errors.push(`person ${p.i}: the activation link ended at ${landed.answer.status}`);
      }
    }
  } catch (err) {
    out.errors.push(`person ${p.i}: ${(err as Error).message}`);
  } finally {
    client.close();
  }
  return out;
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'checkin-bench-'));
  const creds = benchCredentials();
  const configPath = path.join(tmp, 'portal.yaml');
  fs.writeFileSync(
    configPath,
    benchPortalConfig(
      creds,
      [
        { name: 'bench-checkin', title: 'Check-in', capacity: PEOPLE + 20 },
        { name: 'bench-raw', title: 'Raw requests', capacity: PEOPLE + 20 },
      ],
      '4h',
    ),
    { mode: 0o600 },
  );
  const engine = await spawnListening(path.join(ROOT, 'electron', 'cli-entry.ts'), [
    'engine',
    '--data',
    path.join(tmp, 'engine'),
    '--config',
    configPath,
    '--port',
    '0',
  ]);
  const url = engine.url.replace(/\/$/, '');
  const logs: string[] = [];
  const core = await createConsoleCore({
    dataDir: path.join(tmp, 'console'),
    secretStore: new MemorySecretStore(),
    mode: 'web',
    version: 'bench',
    builtinPortal: { url, credentials: creds },
    log: (line) => logs.push(line),
  });
  const load0 = os.loadavg()[0] ?? 0;
  const rawAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    const envs = await waitFor(async () => {
      const s = (await core.handlers['monitor.snapshot']({})).portals[0];
      const ready = s?.status === 'live' && s.environments.filter((e) => e.state === 'RUNNING').length >= 2;
      return ready ? s.environments : undefined;
    }, 'the built-in portal coming up');
    const envCheckin = envs.find((e) => e.workshop.name === 'bench-checkin')?.name as string;
    const envRaw = envs.find((e) => e.workshop.name === 'bench-raw')?.name as string;
    const now = Date.now();
    const ev = await core.handlers['events.create']({
      name: 'Bench check-in',
      portalId: 'builtin',
      environments: [envCheckin],
      startsAt: now,
      endsAt: now + 4 * 3_600_000,
      activationWindowS: 3600,
      indexUrl: null,
    });
    await core.handlers['checkin.configure']({ eventId: ev.id, mode: 'code', code: 'BENCH-1' });
    const status = await core.handlers['checkin.start']({ eventId: ev.id });
    if (status.state !== 'running' || !status.url) throw new Error(`check-in did not start: ${status.error}`);
    const bearer = await getToken(url, creds);
    // one of each first, so connection set-up and first-use costs are not in the figures
    await rawRequest(rawAgent, url, bearer, envRaw, PEOPLE);

    const rnd = random(10);
    const people: Person[] = Array.from({ length: PEOPLE }, (_, i) => ({
      i,
      atMs: rnd() * SPREAD_S * 1000,
      doubleTap: i % DOUBLE_TAP_EVERY === DOUBLE_TAP_EVERY - 1,
    }));
    const rawMs: number[] = [];
    const rawErrors: string[] = [];
    const t0 = performance.now();
    const outcomes = await Promise.all([
      ...people.map(async (p) => {
        await sleepUntil(t0, p.atMs);
        return checkIn(status.url as string, url, p);
      }),
      ...people.map(async (p) => {
        await sleepUntil(t0, p.atMs);
        try {
          rawMs.push(await rawRequest(rawAgent, url, bearer, envRaw, p.i));
        } catch (err) {
          rawErrors.push((err as Error).message);
        }
        return null;
      }),
    ]);
    const wallS = (performance.now() - t0) / 1000;
    const results = outcomes.filter((o): o is Outcome => o !== null);
    const submitMs = results.flatMap((o) => o.submitMs).sort((a, b) => a - b);
    rawMs.sort((a, b) => a - b);
    const errors = [...results.flatMap((o) => o.errors), ...rawErrors];
    const splitTaps = people.filter((p, k) => p.doubleTap && new Set(results[k]?.sessions).size > 1).length;

    // what the portal holds: one session per person
    const catalog = (await (
      await fetch(`${url}/workshops/catalog/environments/?sessions=true`, {
        headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
      })
    ).json()) as { environments: { name: string; sessions?: { user: string; name: string }[] }[] };
    const held = new Map<string, number>();
    for (const s of catalog.environments.find((e) => e.name === envCheckin)?.sessions ?? []) {
      held.set(s.user, (held.get(s.user) ?? 0) + 1);
    }
    const holdingTwo = [...held.values()].filter((n) => n > 1).length;
    const attendees = (await core.handlers['events.get']({ eventId: ev.id })).attendees;
    const listedOnce = new Set(attendees.map((a) => a.email)).size === attendees.length;
    const walkIns = attendees.filter((a) => a.source === 'walk-in' && a.session !== null).length;
    const stats = (await core.handlers['checkin.get']({ eventId: ev.id })).stats;
    const leaked = logs.filter((l) => /@example\.org|token=/.test(l)).length;

    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    const p50 = percentile(submitMs, 50);
    const p99 = percentile(submitMs, 99);
    const r50 = percentile(rawMs, 50);
    const r99 = percentile(rawMs, 99);
    const taps = people.filter((p) => p.doubleTap).length;
    console.log(`${PEOPLE} people (${taps} double taps) in ${wallS.toFixed(1)} s: ${submitMs.length} submissions`);
    console.log(`submit → redirect p50 ${f(p50)} p99 ${f(p99)}; direct REST p50 ${f(r50)} p99 ${f(r99)}`);
    console.log(`errors ${errors.length}; split double taps ${splitTaps}; people holding two sessions ${holdingTwo}`);
    console.log(
      `portal sessions ${[...held.values()].reduce((a, b) => a + b, 0)} for ${held.size} people; ` +
        `event lists ${attendees.length} (${walkIns} walk-ins with a session, each once: ${listedOnce}); ` +
        `stats ${JSON.stringify(stats)}`,
    );
    for (const e of errors.slice(0, 10)) console.log(`  ${e}`);
    const ok =
      errors.length === 0 &&
      holdingTwo === 0 &&
      splitTaps === 0 &&
      held.size === PEOPLE &&
      listedOnce &&
      walkIns === PEOPLE &&
      leaked === 0;

    if (process.env['BENCH_WRITE'] !== '0') {
      writeSection(
        'Check-in',
        `\`npm run bench:checkin\` (bench/checkin.bench.ts). The built-in engine runs as a child process
(\`portal-console engine\` from sources; two workshops of capacity ${PEOPLE + 20}, \`registered/anonymous: 1\`); the
console core runs in the benchmark's process with an event whose check-in page listens on 127.0.0.1 (access by event
code).

${PEOPLE} people arrive at random moments of ${SPREAD_S} s. Each loads the page, sends the form and follows the
redirect to its activation link, as a phone's browser does; every ${DOUBLE_TAP_EVERY}th person taps "Check in" twice
at once (the same form sent twice together: ${taps} double taps, ${submitMs.length} submissions). People come from
${ADDRESSES} loopback addresses (the page limits submissions per address). The figure is the time from sending the
form to the answer that redirects (303 to the activation URL): the page, the CSRF check, the rate limits, the
attendee added to the event and the session requested from the portal through the console. The baseline, in the
same run and the same minute: at each person's arrival the same session request goes straight to the portal's REST
API (a token fetched once, nothing validated or stored) for a user of its own on a second environment.

Last run: ${machineLine()} · load average ${load0.toFixed(1)} at start (shared machine).

| measure | check-in page | direct REST request (same run) | ratio |
|---|---|---|---|
| submit → redirect, p50 | ${f(p50)} | ${f(r50)} | ${(p50 / r50).toFixed(2)}× |
| submit → redirect, p99 | ${f(p99)} | ${f(r99)} | ${(p99 / r99).toFixed(2)}× |

| check | result |
|---|---|
| errors (an answer other than the redirect to a session, a failed link, a failed direct request) | ${errors.length} |
| double taps that got two sessions | ${splitTaps} of ${taps} |
| people holding two sessions on the portal (its catalog) | ${holdingTwo} (${held.size} people, one session each) |
| the event's attendee list | ${attendees.length} people, each once, ${walkIns} walk-ins with their session |
| log lines with an email or an activation link | ${leaked} |
| all checks | ${ok ? 'PASS' : 'FAIL'} |

All ${PEOPLE} arrive within ${wallS.toFixed(1)} s (the last one's redirect included). On this machine, shared with
other work, absolute times move with the load; the ratio is from the same minute.`,
      );
    }
    if (!ok) process.exitCode = 1;
  } finally {
    rawAgent.destroy();
    await core.close();
    await engine.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
