import type { EnvironmentView, PortalSnapshot } from '../../../shared/contract';

export type GaugeLevel = 'ok' | 'warn' | 'full';

/** Level of a fill against the settings threshold (percent): at or past it is "warn", all used is "full". */
export function thresholdLevel(used: number, total: number, thresholdPercent: number): GaugeLevel {
  if (total <= 0) return used > 0 ? 'full' : 'ok';
  if (used >= total) return 'full';
  return (used / total) * 100 >= thresholdPercent ? 'warn' : 'ok';
}

/** Percentage clamped to 0..100, for a bar width. */
export function percent(part: number, total: number): number {
  if (total <= 0 || !Number.isFinite(part)) return 0;
  return Math.min(100, Math.max(0, (part / total) * 100));
}

export interface PortalGauge {
  allocated: number;
  maximum: number;
  /** false when the portal sets no maximum (0): the gauge shows a count only */
  bounded: boolean;
  percent: number;
  level: GaugeLevel;
  label: string;
}

export function portalGauge(snapshot: PortalSnapshot, thresholdPercent: number): PortalGauge | null {
  const p = snapshot.portal;
  if (!p) return null;
  const bounded = p.maximum > 0;
  return {
    allocated: p.allocated,
    maximum: p.maximum,
    bounded,
    percent: bounded ? percent(p.allocated, p.maximum) : 0,
    level: bounded ? thresholdLevel(p.allocated, p.maximum, thresholdPercent) : 'ok',
    label: bounded ? `${p.allocated} of ${p.maximum} allocated` : `${p.allocated} allocated, no maximum`,
  };
}

export interface EnvironmentGauge {
  capacity: number;
  allocated: number;
  available: number;
  reserved: number;
  /** bar segments in percent of capacity */
  allocatedPercent: number;
  availablePercent: number;
  level: GaugeLevel;
  label: string;
}

/**
 * An environment's fill: allocated sessions against capacity. `available` counts reserved sessions waiting to be
 * claimed, so the bar shows allocated then available; the rest of capacity is sessions not yet created.
 */
export function environmentGauge(env: EnvironmentView, thresholdPercent: number): EnvironmentGauge {
  const capacity = Math.max(0, env.capacity);
  const allocatedPercent = percent(env.allocated, capacity);
  const availablePercent = Math.min(100 - allocatedPercent, percent(env.available, capacity));
  return {
    capacity,
    allocated: env.allocated,
    available: env.available,
    reserved: env.reserved,
    allocatedPercent,
    availablePercent,
    level: thresholdLevel(env.allocated, capacity, thresholdPercent),
    label: `${env.allocated} in use, ${env.available} reserved of ${capacity} capacity`,
  };
}

/** Sessions a new request could still get in this environment (what the create form shows). */
export function freeSlots(env: EnvironmentView): number {
  return Math.max(0, env.capacity - env.allocated);
}
