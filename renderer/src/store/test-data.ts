import type { EnvironmentView, PortalSnapshot, WorkshopInfo } from '../../../shared/contract';

/**
 * Builders of contract data for the renderer's unit tests (not imported by the app): complete objects with
 * neutral defaults, so a test names only the fields it is about.
 */
export function workshopInfo(over: Partial<WorkshopInfo> = {}): WorkshopInfo {
  return { name: 'w', title: 'W', description: '', vendor: '', difficulty: '', duration: '', tags: [], labels: {}, logo: '', url: '', ...over };
}

export function environmentView(over: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    name: 'e',
    state: 'RUNNING',
    workshop: workshopInfo(),
    duration: 0,
    capacity: 10,
    reserved: 0,
    allocated: 0,
    available: 0,
    sessions: [],
    revision: 1,
    ...over,
  };
}

export function portalSnapshot(over: Partial<PortalSnapshot> = {}): PortalSnapshot {
  return {
    portalId: 'p',
    label: 'P',
    status: 'live',
    lastSeenAt: 0,
    lastError: null,
    clockOffsetMs: 0,
    portal: null,
    environments: [],
    dialect: 'educates',
    revision: 1,
    epoch: 'test',
    ...over,
  };
}
