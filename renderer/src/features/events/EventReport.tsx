import { useEffect, useMemo, useRef, useState } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { EventReport as Report, EventSummary } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { downloadText } from '../../lib/download';
import { formatClock, formatClockOnDay, formatClockSeconds, formatDateTime, timeTicks } from '../../lib/time';
import { attendeeName, STATUS_TEXT } from '../../store/selectors/attendees';
import { DataTable } from '../../ui/DataTable';
import { Empty, ErrorBox, Loading } from '../../ui/States';
import type { EnvironmentInfo } from './event-info';

const COLUMNS = [
  'Name',
  'Email',
  'Workshop',
  'Status',
  'Allocated',
  'First seen running',
  'Ended',
  'Extensions',
  'Sessions',
];
const DAY_MS = 24 * 3600_000;
/** the report is read again at most this often while the event changes */
const REFRESH_MS = 2000;

function percent(x: number | null): string {
  return x === null ? '—' : `${Math.round(x * 1000) / 10} %`;
}

/**
 * The chart's time axis uses the one time helper: a 24-hour clock, with seconds when the chart spans minutes only and
 * with the date when it spans days.
 */
function axisFormatter(fromMs: number, toMs: number) {
  const span = toMs - fromMs;
  if (span > DAY_MS) return (t: number) => formatDateTime(t);
  return span < 10 * 60_000 ? (t: number) => formatClockSeconds(t) : (t: number) => formatClock(t);
}

function Totals({ r }: { r: Report }) {
  const t = r.totals;
  const items: [string, string, string][] = [
    ['attendees', 'Attendees', String(t.attendees)],
    ['allocated', 'Given a session', String(t.allocated)],
    ['activated', 'Opened their link', String(t.activated)],
    ['show-up', 'Show-up rate', `${percent(t.allocated ? t.showUpRate : null)}`],
    ['peak-running', 'Peak running at once', String(t.peakRunning)],
    ['peak-allocated', 'Peak sessions held at once', String(t.peakAllocated)],
    [
      'capacity-used',
      'Capacity used (peak held / capacity)',
      t.capacity === null ? 'capacity not known yet' : `${percent(t.capacityUsed)} of ${t.capacity}`,
    ],
    ['ended', 'Ended', String(t.ended)],
    ['expired', 'Expired unopened', String(t.expiredUnactivated)],
    ['failed', 'Failed', String(t.failed)],
  ];
  return (
    <dl className="totals" data-testid="report-totals">
      {items.map(([id, label, value]) => (
        <div key={id} className="total" data-testid={`total-${id}`}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Chart({ r, event }: { r: Report; event: EventSummary }) {
  const first = r.series[0]?.t ?? event.startsAt;
  const last = r.series[r.series.length - 1]?.t ?? event.startsAt;
  const from = Math.min(first, event.startsAt);
  const to = Math.max(last, Math.min(event.endsAt, r.generatedAt));
  const fmt = axisFormatter(from, to);
  const ticks = timeTicks(from, to, 8);
  return (
    <figure
      className="chart"
      data-testid="report-chart"
      aria-label="Allocated and running sessions of this event over time"
    >
      <ResponsiveContainer width="100%" height={320}>
        <LineChart data={r.series} margin={{ top: 8, right: 24, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis
            dataKey="t"
            type="number"
            domain={[from, to]}
            ticks={ticks}
            tickFormatter={fmt}
            stroke="var(--muted)"
          />
          <YAxis allowDecimals={false} stroke="var(--muted)" />
          <Tooltip
            labelFormatter={(t) => (to - from > DAY_MS ? formatDateTime(Number(t)) : formatClockSeconds(Number(t)))}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
          />
          <Legend />
          <ReferenceLine
            x={event.startsAt}
            stroke="var(--muted)"
            strokeDasharray="2 4"
            label={{ value: 'start', fill: 'var(--muted)', position: 'insideTopLeft' }}
          />
          {event.endsAt <= to && (
            <ReferenceLine
              x={event.endsAt}
              stroke="var(--muted)"
              strokeDasharray="2 4"
              label={{ value: 'end', fill: 'var(--muted)', position: 'insideTopRight' }}
            />
          )}
          <Line
            dataKey="allocated"
            name="Allocated (waiting or running)"
            type="stepAfter"
            dot={false}
            isAnimationActive={false}
            stroke="var(--chart-1)"
            strokeWidth={2}
          />
          <Line
            dataKey="running"
            name="Running"
            type="stepAfter"
            dot={false}
            isAnimationActive={false}
            stroke="var(--chart-2)"
            strokeWidth={2}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/**
 * The event's report, during and after it: totals, a chart of its sessions over time, and per attendee when they
 * were given a session, first seen running, ended, and how often they extended. Read again as the event changes.
 */
export function EventReport({ event, environments }: { event: EventSummary; environments: EnvironmentInfo[] }) {
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const titles = useMemo(() => Object.fromEntries(environments.map((e) => [e.name, e.title])), [environments]);

  // Read at once, then again as the event changes, at most every REFRESH_MS: a burst of pushes (an allocation run)
  // costs one read. A read in flight is never thrown away for a newer revision; the next one follows it.
  const state = useRef({ inFlight: false, again: false, lastAt: 0, timer: 0, mounted: true });
  useEffect(() => {
    const st = state.current;
    st.mounted = true;
    const read = () => {
      st.timer = 0;
      st.inFlight = true;
      st.again = false;
      st.lastAt = Date.now();
      void invoke('events.report', { eventId: event.id }).then((r) => {
        st.inFlight = false;
        if (!st.mounted) return;
        if (r.ok) {
          setReport((old) => (old && old.generatedAt > r.data.generatedAt ? old : r.data));
          setError(null);
        } else setError(r.error.message);
        if (st.again) schedule();
      });
    };
    const schedule = () => {
      if (st.inFlight) {
        st.again = true;
        return;
      }
      if (st.timer) return;
      st.timer = window.setTimeout(read, Math.max(0, st.lastAt + REFRESH_MS - Date.now()));
    };
    schedule();
    return () => {
      st.mounted = false;
      window.clearTimeout(st.timer);
      st.timer = 0;
    };
  }, [event.id, event.revision]);

  const exportCsv = async () => {
    const r = await invoke('events.exportCsv', { eventId: event.id, kind: 'report' });
    if (r.ok) downloadText(r.data.filename, r.data.csv);
    else setError(r.error.message);
  };

  if (!report) return error ? <ErrorBox>{error}</ErrorBox> : <Loading what="the report" />;

  return (
    <div className="report" data-testid="event-report">
      <div className="toolbar">
        <span className="muted">As of {formatClockSeconds(report.generatedAt)}</span>
        <span className="spacer" />
        <button type="button" onClick={() => void exportCsv()}>
          Export report as CSV
        </button>
      </div>
      {error && <ErrorBox>{error}</ErrorBox>}
      <Totals r={report} />
      {report.series.length === 0 ? (
        <Empty>No sessions yet: the chart starts with the first allocation.</Empty>
      ) : (
        <Chart r={report} event={event} />
      )}
      <DataTable caption="Attendees" showCaption columns={COLUMNS} testId="report-attendees" className="report-table">
        {report.attendees.map((a) => (
          <tr key={a.attendeeId} data-testid="report-row" data-email={a.email} data-status={a.status}>
            <td>{attendeeName(a) || '—'}</td>
            <td>{a.email}</td>
            <td>{titles[a.environment] ?? a.environment}</td>
            <td>{STATUS_TEXT[a.status].label}</td>
            <td>{formatClockOnDay(a.allocatedAt, event.startsAt)}</td>
            <td>{formatClockOnDay(a.firstRunningAt, event.startsAt)}</td>
            <td>{formatClockOnDay(a.endedAt, event.startsAt)}</td>
            <td>{a.extensions}</td>
            <td>{a.sessions}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
