import type {
  AttendeeView,
  EnvironmentView,
  EventSummary,
  PortalSnapshot,
  WorkshopInfo,
} from '../../../shared/contract';

/**
 * Builders of contract data for the renderer's unit tests (not imported by the app): complete objects with
 * neutral defaults, so a test names only the fields it is about.
 */
export function workshopInfo(over: Partial<WorkshopInfo> = {}): WorkshopInfo {
  return {
    name: 'w',
    title: 'W',
    description: '',
    vendor: '',
    difficulty: '',
    duration: '',
    tags: [],
    labels: {},
    logo: '',
    url: '',
    ...over,
  };
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

export function eventSummary(over: Partial<EventSummary> = {}): EventSummary {
  const counts = { 'not-allocated': 0, allocating: 0, waiting: 0, running: 0, ended: 0, expired: 0, failed: 0 };
  return {
    id: 'ev',
    name: 'Event',
    portalId: 'p',
    environments: ['e'],
    startsAt: 0,
    endsAt: 3_600_000,
    activationWindowS: 3600,
    indexUrl: null,
    archived: false,
    createdAt: 0,
    updatedAt: 0,
    revision: 0,
    total: 0,
    counts,
    activated: 0,
    run: null,
    ...over,
  };
}

export function attendeeView(over: Partial<AttendeeView> = {}): AttendeeView {
  return {
    id: 'a',
    eventId: 'ev',
    email: 'a@example.org',
    firstName: '',
    lastName: '',
    user: 'a-example-org',
    environment: 'e',
    source: 'manual',
    addedAt: 0,
    status: 'not-allocated',
    session: null,
    activationUrl: null,
    allocatedAt: null,
    activateBy: null,
    expiresAt: null,
    firstRunningAt: null,
    endedAt: null,
    extensions: 0,
    reason: null,
    flags: [],
    ...over,
  };
}
