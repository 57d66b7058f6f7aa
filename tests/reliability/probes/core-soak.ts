/**
 * Soak probe (run by core-soak.test.ts in a child started with --expose-gc): the console core polls a
 * fault-injecting portal through a simulated event of several hours in accelerated time. The core's clock is
 * injected and runs SPEED times faster than the wall clock; the poll interval is shortened to match, so one
 * simulated 15 s poll happens every 10 ms. Faults are injected one after another with healthy periods between
 * them (with allocations, extensions and terminations), and the probe records what the core showed.
 * Prints one line: `SOAK_RESULT <json>`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventPayload, PortalStatus } from '../../../shared/contract';
import { createConsoleCore } from '../../../electron/services/console-core';
import { MemorySecretStore } from '../../../electron/services/secret-store';
import { startFaultPortal, type Fault } from '../../fakes/fault-portal';

const SIM_POLL_MS = 15_000;
const REAL_POLL_MS = 10;
const SPEED = SIM_POLL_MS / REAL_POLL_MS;
const SIM_HOURS = Number(process.env['SOAK_SIM_HOURS'] ?? 6);
/** hard wall-clock bound for the whole run, whatever the simulated length */
const REAL_BUDGET_MS = Number(process.env['SOAK_REAL_BUDGET_MS'] ?? 60_000);
const PHASE_WAIT_MS = 5_000;

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
    environments: [
      { name: 'soak-w01', title: 'Lab One', capacity: 40, reserved: 2, duration: 1800 },
      { name: 'soak-w02', title: 'Lab Two', capacity: 20, duration: 3600 },
    ],
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-soak-'));
  const realStart = Date.now();
  const simStart = Date.UTC(2026, 0, 15, 8, 0, 0);
  const now = (): number => simStart + (Date.now() - realStart) * SPEED;

  const core = await createConsoleCore({
    dataDir,
    secretStore: new MemorySecretStore('soak test'),
    mode: 'web',
    version: 'soak',
    builtinPortal: null,
    now,
    tuning: { pollIntervalMs: REAL_POLL_MS, requestTimeoutMs: 200, retries: 0, retryBaseMs: 5, offlineAfterFailures: 3, maxBackoffMs: 40 },
  });

  let status: PortalStatus = 'connecting';
  let statusChanges = 0;
  let snapshots = 0;
  let alerts = 0;
  const waiters: Array<{ test: (s: PortalStatus) => boolean; resolve: (ok: boolean) => void }> = [];
  core.events.on('monitor.portal', (s: EventPayload<'monitor.portal'>) => {
    snapshots++;
    if (s.status !== status) statusChanges++;
    status = s.status;
    for (const w of [...waiters]) {
      if (w.test(status)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(true);
      }
    }
  });
  core.events.on('alerts.raised', () => alerts++);

  /** resolves true once the status satisfies `test` (now or later), false after `ms` */
  const waitStatus = (test: (s: PortalStatus) => boolean, ms = PHASE_WAIT_MS): Promise<boolean> => {
    if (test(status)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w = { test, resolve };
      waiters.push(w);
      setTimeout(() => {
        const i = waiters.indexOf(w);
        if (i >= 0) {
          waiters.splice(i, 1);
          resolve(false);
        }
      }, ms);
    });
  };

  const added = await core.handlers['portals.add']({
    label: 'Soak portal',
    baseUrl: portal.url,
    clientId: portal.options.clientId,
    clientSecret: portal.options.clientSecret,
    username: portal.options.username,
    password,
  });
  const portalId = added.id;
  if (!(await waitStatus((s) => s === 'live', 10_000))) throw new Error(`portal never went live (status ${status})`);

  const faultAll = (f: Fault) => () => portal.setFault(f, /^\/workshops\//);
  const clearFault = () => portal.setFault(null);
  const steps: FaultStep[] = [
    { name: 'http-500', inject: faultAll({ kind: 'status', status: 500 }), clear: clearFault },
    { name: 'http-503', inject: faultAll({ kind: 'status', status: 503, body: 'Service Unavailable' }), clear: clearFault },
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
    { name: 'portal-down', inject: faultAll({ kind: 'status', status: 502, body: 'Bad Gateway' }), clear: clearFault, expect: 'offline' },
  ];

  let userSeq = 0;
  /** a healthy stretch: the operator works with sessions while polls go on */
  const healthyWork = async (): Promise<void> => {
    const user = `soak-user-${++userSeq}`;
    try {
      const a = await core.handlers['sessions.request']({ portalId, environment: userSeq % 2 ? 'soak-w01' : 'soak-w02', user });
      await core.handlers['sessions.extend']({ portalId, session: a.session });
      await core.handlers['people.find']({ query: user });
      await core.handlers['sessions.terminate']({ portalId, session: a.session });
    } catch {
      // capacity or a late fault can refuse an action; the soak is about the core staying sound
    }
    await core.handlers['monitor.snapshot']({});
    await core.handlers['monitor.history']({ portalId });
    await new Promise((r) => setTimeout(r, 20 * REAL_POLL_MS));
  };

  const phases: PhaseRecord[] = [];
  const runCycle = async (): Promise<void> => {
    for (const step of steps) {
      await healthyWork();
      const simHour = (now() - simStart) / 3_600_000;
      const pollsBefore = portal.hits.get('GET /workshops/catalog/environments/') ?? 0;
      step.inject();
      const shown = await waitStatus((s) => (step.expect ? s === step.expect : s !== 'live'));
      const shownAs = shown ? status : null;
      const pollsAtClear = portal.hits.get('GET /workshops/catalog/environments/') ?? 0;
      step.clear();
      const recovered = await waitStatus((s) => s === 'live', PHASE_WAIT_MS * 2);
      phases.push({ fault: step.name, expected: step.expect ?? 'not live', shown, shownAs, recovered, simHour, pollsBefore, pollsAtClear });
    }
  };

  // warm-up: one full cycle (JIT, pools, caches, the first history points), then the baseline
  await runCycle();
  gc();
  gc();
  const heapWarm = process.memoryUsage().heapUsed;
  const rssWarm = process.memoryUsage().rss;
  const simHoursWarm = (now() - simStart) / 3_600_000;

  let cycles = 1;
  let heapMid = 0;
  while ((now() - simStart) / 3_600_000 < SIM_HOURS && Date.now() - realStart < REAL_BUDGET_MS) {
    await runCycle();
    cycles++;
    if (heapMid === 0 && (now() - simStart) / 3_600_000 >= SIM_HOURS / 2) {
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
    simulatedHours: (now() - simStart) / 3_600_000,
    simHoursWarm,
    realSeconds: (Date.now() - realStart) / 1000,
    cycles,
    polls: portal.hits.get('GET /workshops/catalog/environments/') ?? 0,
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
  await core.close();
  await portal.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`SOAK_RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`soak probe failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
