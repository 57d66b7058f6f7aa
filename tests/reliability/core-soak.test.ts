/**
 * Soak: the console core against the fault-injecting portal through a simulated event of 6 hours in accelerated
 * time (probes/core-soak.ts, run in a child with --expose-gc). Every fault must be shown (a status change away
 * from live, or the specific status the fault calls for), every recovery noticed (back to live), no promise may
 * be left rejected unhandled, and the heap after a full GC must not grow beyond what the bounded capacity history
 * holds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProbe } from './run-probe';

interface SoakResult {
  simulatedHours: number;
  realSeconds: number;
  cycles: number;
  polls: number;
  phases: Array<{
    fault: string;
    expected: string;
    shown: boolean;
    shownAs: string | null;
    recovered: boolean;
    simHour: number;
    pollsBefore: number;
    pollsAtClear: number;
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
 * even 1 KiB would exceed this (over 1,000 polls after warm-up).
 */
const BYTES_PER_HISTORY_POINT = 4096;
const SLACK_BYTES = 2 * 1024 * 1024;

test('console core soak: faults shown, recoveries noticed, memory flat', { timeout: 400_000 }, async () => {
  const r = await runProbe<SoakResult>('core-soak.ts', 'SOAK_RESULT', {
    timeoutMs: 390_000,
    // 6 simulated hours by default (~15 s); longer by hand: SOAK_SIM_HOURS=40 SOAK_REAL_BUDGET_MS=150000
    env: { SOAK_SIM_HOURS: process.env['SOAK_SIM_HOURS'] ?? '6', SOAK_REAL_BUDGET_MS: process.env['SOAK_REAL_BUDGET_MS'] ?? '60000' },
  });
  const mib = (n: number) => `${(n / 1048576).toFixed(2)} MiB`;
  // figures for RELIABILITY.md
  console.log(
    `soak: ${r.simulatedHours.toFixed(1)} simulated h in ${r.realSeconds.toFixed(1)} s, ${r.polls} polls, ${r.phases.length} faults, ` +
      `${r.statusChanges} status changes, ${r.alerts} alerts, heap warm ${mib(r.heapWarm)} mid ${mib(r.heapMid)} end ${mib(r.heapEnd)}, ` +
      `${r.historyPoints} history points, unhandled rejections ${r.unhandled}`,
  );
  assert.ok(r.simulatedHours >= 4, `several simulated hours (got ${r.simulatedHours.toFixed(2)})`);
  assert.equal(r.unhandled, 0, 'no unhandled promise rejections');
  assert.ok(r.phases.length >= 8 * 3, `at least three full fault cycles (got ${r.phases.length} faults)`);
  // pollsBefore === pollsAtClear in a missed phase means the core had stopped polling altogether
  const missed = r.phases
    .filter((p) => !p.shown)
    .map((p) => `${p.fault} (expected ${p.expected}) at ${p.simHour.toFixed(1)} simulated h, polls ${p.pollsBefore} -> ${p.pollsAtClear}`);
  assert.deepEqual(missed, [], 'every fault is shown');
  const unrecovered = r.phases.filter((p) => !p.recovered).map((p) => p.fault);
  assert.deepEqual(unrecovered, [], 'every recovery is noticed');
  assert.equal(r.finalStatus, 'live');
  assert.ok(r.statusChanges >= r.phases.length * 2, 'each fault and each recovery changed the status');
  const allowed = r.historyPoints * BYTES_PER_HISTORY_POINT + SLACK_BYTES;
  assert.ok(r.heapEnd - r.heapWarm <= allowed, `heap grew ${mib(r.heapEnd - r.heapWarm)}, allowed ${mib(allowed)}`);
});
