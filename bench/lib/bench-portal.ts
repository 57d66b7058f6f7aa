import { randomBytes } from 'node:crypto';
import { portalConfig } from '../../tests/support/portal-config';
import type { ClientCredentials } from '../../tests/support/engine-harness';

/** Robot credentials made up for one run (they travel in the config file, mode 0600, never on a command line). */
export function benchCredentials(): ClientCredentials {
  const secret = () => randomBytes(18).toString('base64url');
  return { clientId: `bench-${secret()}`, clientSecret: secret(), username: 'robot@bench', password: secret() };
}

export interface BenchWorkshop {
  name: string;
  /** how the benchmark finds its environment in the catalog */
  title: string;
  capacity: number;
}

/**
 * The config of the benchmarks' portal "bench": no portal maximum, one session per user, the robot's credentials,
 * and the given workshops with nothing reserved or started ahead.
 */
export function benchPortalConfig(creds: ClientCredentials, workshops: BenchWorkshop[], expires: string): string {
  return portalConfig({
    name: 'bench',
    portal: {
      sessions: { maximum: 0, registered: 1, anonymous: 1 },
      credentials: { robot: { username: creds.username, password: creds.password } },
      clients: { robot: { id: creds.clientId, secret: creds.clientSecret } },
    },
    workshops: workshops.map((w) => ({ name: w.name, capacity: w.capacity, reserved: 0, initial: 0, expires })),
    workshopSpecs: Object.fromEntries(workshops.map((w) => [w.name, { title: w.title, description: '' }])),
  });
}
