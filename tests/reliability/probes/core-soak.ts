/**
 * Soak probe (run by core-soak.test.ts in a child started with --expose-gc): the console core polls a
 * fault-injecting portal through a simulated event of many hours. Faults are injected one after another with
 * healthy periods between them (allocations, extensions, terminations, look-ups), and the probe records what the
 * core showed. Prints one line: `SOAK_RESULT <json>`.
 *
 * Simulated time is a counter the event loop advances: every TICK_REAL_MS of timers it moves TICK_SIM_MS forward,
 * and the core polls every REAL_POLL_MS, so about once per tick (a poll every 30 simulated seconds). Every
 * judgement (was the fault shown in time, was the recovery noticed, how long did polling pause) is made in that
 * time. When the machine stalls (a busy CI runner, a paused container) the clock stalls with the core, so a slow
 * host cannot pass for a core that stopped polling, and a core that stops polling is caught however fast the host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventPayload, PortalStatus } from '../../../shared/contract';
import { createConsoleCore } from '../../../electron/services/console-core';
import { MemorySecretStore } from '../../../electron/services/secret-store';
import { startFaultPortal, type Fault } from '../../fakes/fault-portal';
import { errorDetail } from '../../../shared/util/error-text';

const TICK_REAL_MS = 5;
const TICK_SIM_MS = 30_000;
const REAL_POLL_MS = 5;
const SIM_HOURS = Number(process.env['SOAK_SIM_HOURS'] ?? 6);
/** hard wall-clock bound for the whole run; the test fails if the simulated hours were not reached within it */
const REAL_BUDGET_MS = Number(process.env['SOAK_REAL_BUDGET_MS'] ?? 120_000);
/** a fault must be shown, and a recovery noticed, within this much simulated time (about 100 polls) */
const WITHIN_SIM_MS = 60 * 60_000;
/** the operator's pause between actions in a healthy stretch */
const HEALTHY_PAUSE_SIM_MS = 10 * 60_000;
/**
 * Access tokens live one simulated hour, so the client renews them with refresh grants (rotated by the portal)
 * all through the run, as it does every ~10 h of a real event; the portal checks them against its own clock.
 */
const TOKEN_LIFETIME_S = 3600;
const CATALOG = 'GET /workshops/catalog/environments/';
const TOKEN = 'POST /oauth2/token/';

type FaultStep = {
  name: string;
  inject: () => void;
  clear: () => void;
  /** what the core must show while the fault lasts (default: anything but live) */
  expect?: PortalStatus;
};

interface PhaseRecord {
  fault: string;
  expected: PortalStatus | 'not live';
  shown: boolean;
  shownAs: PortalStatus | null;
  recovered: boolean;
  /** simulated hour at which the fault was injected, and polls the portal had seen by then */
  simHour: number;
  pollsBefore: number;
  /** polls seen by the portal when the fault was cleared: equal to pollsBefore means polling had stopped */
  pollsAtClear: number;
  /** simulated seconds until the fault showed and until the recovery was noticed (null: not within the limit) */
  shownAfterS: number | null;
  recoveredAfterS: number | null;
  /** what the monitor showed when the fault was missed: its last success and error say whether polls still ran */
  missedWith?: { status: PortalStatus; lastSeenAtHour: number | null; lastError: string | null };
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  let unhandled = 0;
  process.on('unhandledRejection', () => unhandled++);

  const password = 'soak-robot-password';
  const portal = await startFaultPortal({
    name: 'soak',
    password,
    expiresInS: TOKEN_LIFETIME_S,
    environments: [
      { name: 'soak-w01', title: 'Lab One', capacity: 40, reserved: 2, duration: 1800 },
      { name: 'soak-w02', title: 'Lab Two', capacity: 20, duration: 3600 },
    ],
  });
  const hits = (key: string) => portal.hits.get(key) ?? 0;
  const polls = () => hits(CATALOG);
  /** what the core sends on each poll: the catalog read, or the sign-in it needs first */
  const pollActivity = () => hits(CATALOG) + hits(TOKEN);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-soak-'));
  const realStart = Date.now();
  const simStart = Date.UTC(2026, 0, 15, 8, 0, 0);
  let simNow = simStart;
  const now = (): number => simNow;
  const simHours = () => (simNow - simStart) / 3_600_000;

  // Deadlines in simulated time, checked on each tick; statuses checked on each push.
  let status: PortalStatus = 'connecting';
  const waiters = new Set<{ test: (s: PortalStatus) => boolean; deadline: number; resolve: (ok: boolean) => void }>();
  const waitStatus = (test: (s: PortalStatus) => boolean, withinSimMs = WITHIN_SIM_MS): Promise<boolean> => {
    if (test(status)) return Promise.resolve(true);
    return new Promise((resolve) => waiters.add({ test, deadline: simNow + withinSimMs, resolve }));
  };
  const pause = (simMs: number) => waitStatus(() => false, simMs).then(() => undefined);

  let lastActivity = pollActivity();
  let lastActivityAt = simNow;
  let maxPollGapMs = 0;
  let maxPollGapAtHour = 0;
  const ticker = setInterval(() => {
    simNow += TICK_SIM_MS;
    const activity = pollActivity();
    if (activity !== lastActivity) {
      lastActivity = activity;
      lastActivityAt = simNow;
    } else if (simNow - lastActivityAt > maxPollGapMs) {
      maxPollGapMs = simNow - lastActivityAt;
      maxPollGapAtHour = simHours();
    }
    for (const w of waiters) {
      if (simNow >= w.deadline) {
        waiters.delete(w);
        w.resolve(false);
      }
    }
  }, TICK_REAL_MS);

  const core = await createConsoleCore({
    dataDir,
    secretStore: new MemorySecretStore('soak test'),
    mode: 'web',
    version: 'soak',
    builtinPortal: null,
    now,
    tuning: {
      pollIntervalMs: REAL_POLL_MS,
      requestTimeoutMs: 200,
      retries: 0,
      retryBaseMs: 5,
      offlineAfterFailures: 3,
      maxBackoffMs: 40,
    },
  });

  let statusChanges = 0;
  let snapshots = 0;
  let alerts = 0;
  core.events.on('monitor.portal', (s: EventPayload<'monitor.portal'>) => {
    snapshots++;
    if (s.status !== status) statusChanges++;
    status = s.status;
    for (const w of waiters) {
      if (w.test(status)) {
        waiters.delete(w);
        w.resolve(true);
      }
    }
  });
  core.events.on('alerts.raised', () => alerts++);

  const added = await core.handlers['portals.add']({
    label: 'Soak portal',
    baseUrl: portal.url,
    clientId: portal.options.clientId,
    clientSecret: portal.options.clientSecret,
    username: portal.options.username,
    password,
  });
  const portalId = added.id;
  if (!(await waitStatus((s) => s === 'live'))) throw new Error(`portal never went live (status ${status})`);

  const faultAll = (f: Fault) => () => portal.setFault(f, /^\/workshops\//);
  const clearFault = () => portal.setFault(null);
  const steps: FaultStep[] = [
    { name: 'http-500', inject: faultAll({ kind: 'status', status: 500 }), clear: clearFault },
    {
      name: 'http-503',
      inject: faultAll({ kind: 'status', status: 503, body: 'Service Unavailable' }),
      clear: clearFault,
    },
    { name: 'connection-reset', inject: faultAll({ kind: 'reset' }), clear: clearFault },
    { name: 'malformed-json', inject: faultAll({ kind: 'malformed' }), clear: clearFault },
    { name: 'wrong-shape', inject: faultAll({ kind: 'wrong-shape' }), clear: clearFault },
    { name: 'hang', inject: faultAll({ kind: 'hang' }), clear: clearFault },
    {
      name: 'credentials-rejected',
      inject: () => {
        portal.setPassword('changed-by-an-admin');
        portal.revokeAccessTokens();
      },
      clear: () => portal.setPassword(password),
      expect: 'credentials-rejected',
    },
    // long enough for several failed polls in a row: the core must escalate from stale to offline
    {
      name: 'portal-down',
      inject: faultAll({ kind: 'status', status: 502, body: 'Bad Gateway' }),
      clear: clearFault,
      expect: 'offline',
    },
  ];

  let userSeq = 0;
  let actionsFailed = 0;
  /** a healthy stretch: the operator works with sessions while polls go on */
  const healthyWork = async (): Promise<void> => {
    const user = `soak-user-${++userSeq}`;
    let session: string | null = null;
    try {
      const environment = userSeq % 2 ? 'soak-w01' : 'soak-w02';
      session = (await core.handlers['sessions.request']({ portalId, environment, user })).session;
      await core.handlers['sessions.extend']({ portalId, session });
      await core.handlers['people.find']({ query: user });
    } catch {
      // a late fault can refuse an action; the soak is about the core staying sound
      actionsFailed++;
    } finally {
      // ended whatever failed in between, so the environments never fill up with sessions left behind
      if (session) await core.handlers['sessions.terminate']({ portalId, session }).catch(() => actionsFailed++);
    }
    await core.handlers['monitor.snapshot']({});
    await core.handlers['monitor.history']({ portalId });
    await pause(HEALTHY_PAUSE_SIM_MS);
  };

  const phases: PhaseRecord[] = [];
  const runCycle = async (): Promise<void> => {
    for (const step of steps) {
      await healthyWork();
      const injectedAt = simNow;
      const pollsBefore = polls();
      step.inject();
      const shown = await waitStatus((s) => (step.expect ? s === step.expect : s !== 'live'));
      const shownAs = shown ? status : null;
      const shownAt = simNow;
      const pollsAtClear = polls();
      const missedSnapshot = async () =>
        (await core.handlers['monitor.snapshot']({})).portals.find((p) => p.portalId === portalId);
      const snap = shown ? null : await missedSnapshot();
      step.clear();
      const recovered = await waitStatus((s) => s === 'live');
      phases.push({
        fault: step.name,
        expected: step.expect ?? 'not live',
        shown,
        shownAs,
        recovered,
        simHour: (injectedAt - simStart) / 3_600_000,
        pollsBefore,
        pollsAtClear,
        shownAfterS: shown ? (shownAt - injectedAt) / 1000 : null,
        recoveredAfterS: recovered ? (simNow - shownAt) / 1000 : null,
        ...(snap && {
          missedWith: {
            status: snap.status,
            lastSeenAtHour: snap.lastSeenAt === null ? null : (snap.lastSeenAt - simStart) / 3_600_000,
            lastError: snap.lastError,
          },
        }),
      });
    }
  };

  // warm-up: one full cycle (JIT, pools, caches, the first history points), then the baseline
  await runCycle();
  gc();
  gc();
  const heapWarm = process.memoryUsage().heapUsed;
  const rssWarm = process.memoryUsage().rss;
  const simHoursWarm = simHours();

  let cycles = 1;
  let heapMid = 0;
  while (simHours() < SIM_HOURS && Date.now() - realStart < REAL_BUDGET_MS) {
    await runCycle();
    cycles++;
    if (heapMid === 0 && simHours() >= SIM_HOURS / 2) {
      gc();
      heapMid = process.memoryUsage().heapUsed;
    }
  }
  await waitStatus((s) => s === 'live');
  gc();
  gc();
  const heapEnd = process.memoryUsage().heapUsed;
  const rssEnd = process.memoryUsage().rss;
  const history = await core.handlers['monitor.history']({ portalId });
  const result = {
    simulatedHours: simHours(),
    simHoursWarm,
    realSeconds: (Date.now() - realStart) / 1000,
    cycles,
    polls: polls(),
    grants: { ...portal.grants },
    actionsFailed,
    sessionsLeft: portal.sessions.filter((x) => x.state !== 'STOPPING').length,
    maxPollGapS: maxPollGapMs / 1000,
    maxPollGapAtHour,
    phases,
    statusChanges,
    snapshots,
    alerts,
    unhandled,
    heapWarm,
    heapMid,
    heapEnd,
    rssWarm,
    rssEnd,
    historyPoints: history.length,
    finalStatus: status,
  };
  clearInterval(ticker);
  await core.close();
  await portal.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`SOAK_RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`soak probe failed: ${errorDetail(err)}\n`);
  process.exitCode = 1;
});
