import { useEffect, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CapacityPoint } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { navigate } from '../../lib/router';
import { formatClock, formatClockSeconds, timeTicks } from '../../lib/time';
import { useApp } from '../../store/use-app';
import { timelineSeries } from '../../store/selectors/timeline';
import { Empty, ErrorBox, Loading } from '../../ui/States';

const WINDOWS = [
  { label: 'last 15 minutes', ms: 15 * 60_000 },
  { label: 'last hour', ms: 60 * 60_000 },
  { label: 'last 6 hours', ms: 6 * 60 * 60_000 },
  { label: 'last 24 hours', ms: 24 * 60 * 60_000 },
];

const COLORS = [
  'var(--chart-1)',
  'var(--chart-2)',
  'var(--chart-3)',
  'var(--chart-4)',
  'var(--chart-5)',
  'var(--chart-6)',
];

export function CapacityTimeline({ portalId }: { portalId: string | null }) {
  const order = useApp((s) => s.portalOrder);
  const snapshots = useApp((s) => s.snapshots);
  const id = portalId ?? order[0] ?? null;
  const snapshot = id ? snapshots[id] : undefined;
  const [windowMs, setWindowMs] = useState(WINDOWS[1]?.ms ?? 3_600_000);
  const [env, setEnv] = useState<string>('');
  const [points, setPoints] = useState<CapacityPoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // re-read when the portal's data changes (a push), not on a timer
  const version = snapshot ? `${snapshot.lastSeenAt ?? 0}:${snapshot.portal?.allocated ?? 0}` : '';

  useEffect(() => {
    if (!id) return;
    let live = true;
    void invoke('monitor.history', { portalId: id, sinceMs: Date.now() - windowMs }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setPoints(r.data);
        setError(null);
      } else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [id, windowMs, version]);

  const series = useMemo(() => timelineSeries(points ?? [], env || null), [points, env]);
  // whole local minutes and hours on the 24-hour clock, as in every table (recharts would pick odd data times)
  const ticks = useMemo(() => {
    const first = series.data[0]?.['t'];
    const last = series.data[series.data.length - 1]?.['t'];
    return first === undefined || last === undefined ? [] : timeTicks(first, last, 8);
  }, [series]);

  if (!id) return <Empty>No portals yet.</Empty>;

  return (
    <section className="screen" aria-labelledby="timeline-title">
      <h1 id="timeline-title">Capacity timeline</h1>
      <div className="toolbar">
        <label>
          Portal{' '}
          <select value={id} onChange={(e) => navigate({ name: 'timeline', portalId: e.target.value })}>
            {order.map((p) => (
              <option key={p} value={p}>
                {snapshots[p]?.label ?? p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Environment{' '}
          <select value={env} onChange={(e) => setEnv(e.target.value)}>
            <option value="">whole portal (allocated per environment)</option>
            {snapshot?.environments.map((e) => (
              <option key={e.name} value={e.name}>
                {e.workshop.title || e.name} ({e.name})
              </option>
            ))}
          </select>
        </label>
        <label>
          Window{' '}
          <select value={windowMs} onChange={(e) => setWindowMs(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w.ms} value={w.ms}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <ErrorBox>{error}</ErrorBox>}
      {!points && !error && <Loading what="history" />}
      {points && points.length === 0 && <Empty>No history recorded yet for this window.</Empty>}
      {points && points.length > 0 && (
        <figure
          className="chart"
          data-testid="capacity-chart"
          aria-label={`Sessions over time, ${series.lines.map((l) => l.label).join(', ')}`}
        >
          <ResponsiveContainer width="100%" height={320}>
            <LineChart data={series.data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis
                dataKey="t"
                type="number"
                domain={['dataMin', 'dataMax']}
                ticks={ticks}
                tickFormatter={formatClock}
                stroke="var(--muted)"
              />
              <YAxis allowDecimals={false} stroke="var(--muted)" />
              <Tooltip
                labelFormatter={(t) => formatClockSeconds(Number(t))}
                contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
              />
              <Legend />
              {series.lines.map((l, i) => (
                <Line
                  key={l.key}
                  dataKey={l.key}
                  name={l.label}
                  type="stepAfter"
                  dot={false}
                  isAnimationActive={false}
                  stroke={COLORS[i % COLORS.length]}
                  strokeWidth={2}
                  strokeDasharray={l.dashed ? '5 4' : undefined}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </figure>
      )}
    </section>
  );
}
