import type { EnvironmentGauge as EnvironmentGaugeData, GaugeLevel } from '../lib/gauges';

interface Segment {
  percent: number;
  kind: 'allocated' | 'available';
}

interface Props {
  label: string;
  /** accessible value text, e.g. "7 in use, 2 reserved of 10 capacity" */
  valueText: string;
  valueNow: number;
  valueMax: number;
  level: GaugeLevel;
  segments: Segment[];
  testId?: string;
}

/**
 * A fixed-size horizontal gauge. Widths are set as CSSOM properties (React style), which CSP style-src does not
 * govern, so no inline style attribute or injected stylesheet is needed.
 */
export function Gauge({ label, valueText, valueNow, valueMax, level, segments, testId }: Props) {
  return (
    <div
      className="gauge"
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={Math.max(valueMax, 0)}
      aria-valuenow={Math.min(valueNow, Math.max(valueMax, 0))}
      aria-valuetext={valueText}
      data-level={level}
      data-testid={testId}
      data-value={valueNow}
    >
      {segments.map((s) => (
        <span key={s.kind} className={`gauge-fill gauge-${s.kind}`} style={{ width: `${s.percent}%` }} />
      ))}
    </div>
  );
}

/** A workshop environment's gauge: allocated and available against capacity. */
export function EnvironmentGauge({ label, gauge }: { label: string; gauge: EnvironmentGaugeData }) {
  return (
    <Gauge
      label={label}
      valueText={gauge.label}
      valueNow={gauge.allocated}
      valueMax={gauge.capacity}
      level={gauge.level}
      testId="environment-gauge"
      segments={[
        { kind: 'allocated', percent: gauge.allocatedPercent },
        { kind: 'available', percent: gauge.availablePercent },
      ]}
    />
  );
}
