import type { CapacityPoint } from '../../../../shared/contract';

export interface TimelineLine {
  key: string;
  label: string;
  dashed: boolean;
}

export interface TimelineSeries {
  data: Record<string, number>[];
  lines: TimelineLine[];
}

/**
 * Chart rows from capacity history. For the whole portal: the portal's allocated count and each environment's
 * allocated count. For one environment: its allocated, available and capacity (capacity dashed).
 */
export function timelineSeries(points: readonly CapacityPoint[], environment: string | null): TimelineSeries {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  if (environment) {
    const data = sorted.map((p) => {
      const e = p.environments[environment];
      return { t: p.t, allocated: e?.allocated ?? 0, available: e?.available ?? 0, capacity: e?.capacity ?? 0 };
    });
    return {
      data,
      lines: [
        { key: 'allocated', label: 'allocated', dashed: false },
        { key: 'available', label: 'available', dashed: false },
        { key: 'capacity', label: 'capacity', dashed: true },
      ],
    };
  }
  const names = [...new Set(sorted.flatMap((p) => Object.keys(p.environments)))].sort();
  const data = sorted.map((p) => {
    const row: Record<string, number> = { t: p.t, portal: p.portalAllocated };
    names.forEach((n, i) => {
      row[`env${i}`] = p.environments[n]?.allocated ?? 0;
    });
    return row;
  });
  return {
    data,
    lines: [
      { key: 'portal', label: 'portal allocated', dashed: false },
      ...names.map((n, i) => ({ key: `env${i}`, label: `${n} allocated`, dashed: true })),
    ],
  };
}
