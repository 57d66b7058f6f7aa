import type { EventSummary, PortalSnapshot } from '../../../../shared/contract';

export interface EnvironmentInfo {
  name: string;
  /** the workshop's title, or the environment name when the portal has not said */
  title: string;
  /** on the portal's latest snapshot */
  running: boolean;
  capacity: number;
  free: number;
}

/** The event's environments with what the portal's latest snapshot says about them. */
export function eventEnvironments(
  e: Pick<EventSummary, 'environments'>,
  snapshot: PortalSnapshot | undefined,
): EnvironmentInfo[] {
  return e.environments.map((name) => {
    const env = snapshot?.environments.find((x) => x.name === name);
    return {
      name,
      title: env?.workshop.title || env?.workshop.name || name,
      running: env !== undefined,
      capacity: env?.capacity ?? 0,
      free: env ? Math.max(0, env.capacity - env.allocated) : 0,
    };
  });
}
