import type {
  CapacityPoint,
  EnvironmentView,
  FleetSnapshot,
  PortalSnapshot,
  SessionView,
} from '../../../shared/contract';

/**
 * A synthetic fleet for the UI benchmark and for looking at screens with many sessions: `sessions` sessions
 * spread over `environments` environments of one portal, expiries spread over the next hour.
 */
export function syntheticPortal(opts: {
  portalId?: string;
  sessions: number;
  environments: number;
  now?: number;
}): PortalSnapshot {
  const now = opts.now ?? Date.now();
  const perEnv = Math.ceil(opts.sessions / opts.environments);
  const environments: EnvironmentView[] = [];
  let n = 0;
  for (let e = 0; e < opts.environments; e++) {
    const name = `bench-w${String(e + 1).padStart(2, '0')}`;
    const sessions: SessionView[] = [];
    for (let s = 0; s < perEnv && n < opts.sessions; s++, n++) {
      const started = now - ((n * 7919) % 1_800_000);
      sessions.push({
        name: `${name}-s${String(s + 1).padStart(4, '0')}`,
        state: n % 17 === 0 ? 'STARTING' : n % 23 === 0 ? 'WAITING' : 'RUNNING',
        user: `user-${String(n).padStart(5, '0')}@example.org`,
        started: new Date(started).toISOString(),
        expires: new Date(now + 30_000 + ((n * 104_729) % 3_600_000)).toISOString(),
        extendable: n % 3 !== 0,
      });
    }
    environments.push({
      name,
      state: 'RUNNING',
      workshop: {
        name: `bench-workshop-${e + 1}`,
        title: `Benchmark workshop ${e + 1}`,
        description: '',
        vendor: '',
        difficulty: '',
        duration: '',
        tags: [],
        labels: {},
        logo: '',
        url: '',
      },
      duration: 3600,
      capacity: perEnv + 10,
      reserved: 2,
      allocated: sessions.length,
      available: 2,
      sessions,
      revision: 1,
    });
  }
  return {
    portalId: opts.portalId ?? 'bench',
    label: 'Benchmark portal',
    status: 'live',
    lastSeenAt: now,
    lastError: null,
    clockOffsetMs: 0,
    portal: { name: 'bench', url: 'http://127.0.0.1:1', maximum: n + 100, registered: 0, anonymous: 0, allocated: n },
    environments,
    dialect: 'educates',
    revision: 1,
    epoch: 'synthetic',
  };
}

export function syntheticFleet(opts: { sessions: number; environments: number }): FleetSnapshot {
  return { generatedAt: Date.now(), revision: 1, epoch: 'synthetic', portals: [syntheticPortal(opts)] };
}

export function syntheticHistory(p: PortalSnapshot, points: number, stepMs: number): CapacityPoint[] {
  const now = Date.now();
  const out: CapacityPoint[] = [];
  for (let i = points - 1; i >= 0; i--) {
    const f = (points - i) / points;
    const environments: CapacityPoint['environments'] = {};
    for (const e of p.environments) {
      environments[e.name] = { allocated: Math.round(e.allocated * f), available: e.available, capacity: e.capacity };
    }
    out.push({ t: now - i * stepMs, portalAllocated: Math.round((p.portal?.allocated ?? 0) * f), environments });
  }
  return out;
}
