import { memo } from 'react';
import type { FleetTotals } from '../../store/selectors/now';

const FIGURES: { key: 'running' | 'waiting' | 'free' | 'reserved'; label: string; detail: string }[] = [
  { key: 'running', label: 'Running', detail: 'sessions an attendee is using now' },
  { key: 'waiting', label: 'Waiting for activation', detail: 'handed out; the attendee has not opened the link yet' },
  {
    key: 'free',
    label: 'Free seats',
    detail: 'sessions that can still be handed out: reserved ones plus room under each capacity and portal maximum',
  },
  {
    key: 'reserved',
    label: 'Reserved',
    detail: 'started ahead and not claimed by anyone yet (part of the free seats)',
  },
];

/** The fleet's totals at a glance, across every enabled portal. */
export const NowStrip = memo(function NowStrip({ totals, large = false }: { totals: FleetTotals; large?: boolean }) {
  return (
    <section
      className={large ? 'now-strip now-strip-large' : 'now-strip'}
      aria-label="Now, across every portal"
      data-testid="now-strip"
    >
      <dl>
        {FIGURES.map((f) => (
          <div key={f.key} className="now-figure" data-testid={`now-${f.key}`} title={f.detail}>
            <dt>{f.label}</dt>
            <dd data-value={totals[f.key]}>{totals[f.key]}</dd>
          </div>
        ))}
        <div className="now-figure" data-testid="now-portals" title="portals whose last poll succeeded">
          <dt>Portals answering</dt>
          <dd data-value={totals.live}>
            {totals.live} of {totals.portals}
          </dd>
        </div>
      </dl>
      {totals.counted < totals.portals && (
        <p className="now-note muted">
          {totals.portals - totals.counted} of {totals.portals} portals have no numbers yet and are not counted.
        </p>
      )}
    </section>
  );
});
