/**
 * Soak: the console core against the fault-injecting portal through a simulated event of 48 hours
 * (probes/core-soak.ts, run in a child with --expose-gc; about 40 s). Polling must never stop: every fault shown
 * (a status change away from live, or the specific status the fault calls for), every recovery noticed, and no
 * pause between two polls longer than a simulated hour; no promise may be left rejected unhandled; and the heap
 * after a full GC must not grow beyond what the bounded capacity history holds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProbe } from './run-probe';

interface SoakResult {
  simulatedHours: number;
  realSeconds: number;
  cycles: number;
  polls: number;
  grants: { password: number; refresh: number; refreshRejected: number };
  actionsFailed: number;
  sessionsLeft: number;
  maxPollGapS: number;
  maxPollGapAtHour: number;
  phases: Array<{
    fault: string;
    expected: string;
    shown: boolean;
    shownAs: string | null;
    recovered: boolean;
    simHour: number;
    pollsBefore: number;
    pollsAtClear: number;
    shownAfterS: number | null;
    recoveredAfterS: number | null;
    missedWith?: { status: string; lastSeenAtHour: number | null; lastError: string | null };
  }>;
  statusChanges: number;
  alerts: number;
  unhandled: number;
  heapWarm: number;
  heapMid: number;
  heapEnd: number;
  historyPoints: number;
  finalStatus: string;
}

/**
 * Allowed heap growth between the warm-up baseline and the end: the capacity history is the one structure meant
 * to grow during an event (one point per change or per simulated minute, capped at 5,000 points per portal), so
 * it gets a generous 4 KiB per point; everything else gets 2 MiB of slack for allocator noise. A per-poll leak of
 * even 1 KiB would exceed this (over 3,000 polls after warm-up).
 */
const BYTES_PER_HISTORY_POINT = 4096;
const SLACK_BYTES = 2 * 1024 * 1024;
/** polls come about every 30 simulated seconds, a hung request holds one for 20 minutes: an hour without is a stop */
const MAX_POLL_GAP_S = 3600;

const SIM_HOURS = Number(process.env['SOAK_SIM_HOURS'] ?? 48);
const BUDGET_MS = Number(process.env['SOAK_REAL_BUDGET_MS'] ?? 180_000);

const TITLE = `console core soak, ${SIM_HOURS} simulated hours: polling never stops, memory flat`;

test(TITLE, { timeout: BUDGET_MS + 60_000 }, async () => {
  const r = await runProbe<SoakResult>('core-soak.ts', 'SOAK_RESULT', {
    timeoutMs: BUDGET_MS + 30_000,
    env: { SOAK_SIM_HOURS: String(SIM_HOURS), SOAK_REAL_BUDGET_MS: String(BUDGET_MS) },
  });
  const mib = (n: number) => `${(n / 1048576).toFixed(2)} MiB`;
  const slowest = (k: 'shownAfterS' | 'recoveredAfterS') => Math.max(...r.phases.map((p) => p[k] ?? Infinity)) / 60;
  // figures for RELIABILITY.md
  console.log(
    `soak: ${r.simulatedHours.toFixed(1)} simulated h in ${r.realSeconds.toFixed(1)} s, ` +
      `${r.cycles} cycles, ${r.polls} polls, ` +
      `${r.phases.length} faults (slowest shown after ${slowest('shownAfterS').toFixed(1)} simulated min, ` +
      `recovery noticed after ${slowest('recoveredAfterS').toFixed(1)}), longest pause between polls ` +
      `${(r.maxPollGapS / 60).toFixed(1)} simulated min, grants ${JSON.stringify(r.grants)}, ` +
      `${r.statusChanges} status changes, ${r.alerts} alerts, ${r.actionsFailed} operator actions refused, ` +
      `${r.sessionsLeft} sessions left, heap warm ${mib(r.heapWarm)} mid ${mib(r.heapMid)} end ${mib(r.heapEnd)}, ` +
      `${r.historyPoints} history points, unhandled rejections ${r.unhandled}`,
  );
  const reached = `${SIM_HOURS} simulated hours within ${BUDGET_MS / 1000} s (got ${r.simulatedHours.toFixed(2)})`;
  assert.ok(r.simulatedHours >= SIM_HOURS, reached);
  assert.equal(r.unhandled, 0, 'no unhandled promise rejections');
  // faults all through the event, not only at its start: a cycle of 8 faults takes about 2 simulated hours
  assert.ok(r.cycles >= Math.max(3, SIM_HOURS / 4), `fault cycles all through the event (got ${r.cycles})`);
  assert.ok((r.phases.at(-1)?.simHour ?? 0) >= SIM_HOURS - 4, 'faults until the end');
  // pollsBefore === pollsAtClear in a missed phase means the core had stopped polling altogether
  const at = (p: SoakResult['phases'][number]) => `${p.fault} at ${p.simHour.toFixed(1)} simulated h`;
  const showing = (p: SoakResult['phases'][number]) => JSON.stringify(p.missedWith);
  const missed = r.phases
    .filter((p) => !p.shown)
    .map((p) => `${at(p)} (expected ${p.expected}), polls ${p.pollsBefore} -> ${p.pollsAtClear}, ${showing(p)}`);
  assert.deepEqual(missed, [], 'every fault is shown');
  const unrecovered = r.phases.filter((p) => !p.recovered).map(at);
  assert.deepEqual(unrecovered, [], 'every recovery is noticed');
  assert.ok(
    r.maxPollGapS <= MAX_POLL_GAP_S,
    `polling paused ${(r.maxPollGapS / 60).toFixed(0)} simulated min at ${r.maxPollGapAtHour.toFixed(1)} simulated h`,
  );
  assert.ok(r.grants.refresh > 0, 'access tokens were renewed with refresh grants during the run');
  assert.equal(r.finalStatus, 'live');
  assert.ok(r.statusChanges >= r.phases.length * 2, 'each fault and each recovery changed the status');
  const allowed = r.historyPoints * BYTES_PER_HISTORY_POINT + SLACK_BYTES;
  assert.ok(r.heapEnd - r.heapWarm <= allowed, `heap grew ${mib(r.heapEnd - r.heapWarm)}, allowed ${mib(allowed)}`);
});
