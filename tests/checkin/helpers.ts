/**
 * Check-in tests: the console core against the built-in engine in this process (real loopback HTTP, temp folders),
 * with check-in limits a test can reach.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConsoleCore } from '../../electron/services/console-core';
import type { ConsoleCore } from '../../electron/services/core-types';
import type { CheckinLimits } from '../../electron/services/checkin/checkin-server';
import { MemorySecretStore } from '../../electron/services/secret-store';
import type { CheckinStatus } from '../../shared/contract';
import { fastTuning, labConfig, environmentOf, makeEvent, waitForEvent } from '../events/helpers';
import { robotCreds, startTestEngine, type PortalWorkshopEntry, type TestEngine } from '../support/engine-harness';

export { environmentOf, makeEvent, untilAttendees, waitForEvent } from '../events/helpers';

export interface CheckinFixture {
  engine: TestEngine;
  core: ConsoleCore;
  dataDir: string;
  logs: string[];
  restart(): Promise<ConsoleCore>;
  close(): Promise<void>;
}

export async function startCheckinFixture(
  workshops: PortalWorkshopEntry[] = [{ name: 'lab', capacity: 5, reserved: 0 }],
  limits: Partial<CheckinLimits> = {},
  sessions: Record<string, number> = { maximum: 0, registered: 1, anonymous: 1 },
): Promise<CheckinFixture> {
  const engine = await startTestEngine({ config: labConfig(workshops, sessions) });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkin-core-'));
  const logs: string[] = [];
  const make = () =>
    createConsoleCore({
      dataDir,
      secretStore: new MemorySecretStore(),
      mode: 'web',
      version: 'test',
      builtinPortal: { url: engine.url, credentials: robotCreds(engine.engine.credentials) },
      tuning: fastTuning,
      checkinLimits: limits,
      log: (line) => logs.push(line),
    });
  const f: CheckinFixture = {
    engine,
    core: await make(),
    dataDir,
    logs,
    async restart() {
      await f.core.close();
      f.core = await make();
      return f.core;
    },
    async close() {
      await f.core.close();
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return f;
}

/** an event on the fixture's first workshop, with check-in running on `address` */
export async function eventWithCheckin(
  f: CheckinFixture,
  o: { workshop?: string; code?: string | null; mode?: 'code' | 'listed'; address?: string; name?: string } = {},
): Promise<{ eventId: string; environment: string; status: CheckinStatus }> {
  const environment = await environmentOf(f.core, o.workshop ?? 'lab');
  const event = await makeEvent(f.core, o.name ?? 'Check-in day', [environment]);
  await f.core.handlers['checkin.configure']({
    eventId: event.id,
    mode: o.mode ?? 'code',
    code: o.code === undefined ? 'KUBE-24' : o.code,
  });
  const status = await f.core.handlers['checkin.start']({
    eventId: event.id,
    ...(o.address && { address: o.address }),
  });
  if (status.state !== 'running') throw new Error(`check-in did not start: ${status.error}`);
  return { eventId: event.id, environment, status };
}

export function person(i: number, code = 'KUBE-24'): Record<string, string> {
  return { firstName: `Ada${i}`, lastName: `Lovelace${i}`, email: `ada${i}@example.org`, code };
}

export { waitForEvent as waitFor };
