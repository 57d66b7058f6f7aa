import { memo, useLayoutEffect, useRef } from 'react';
import { countdownLevel, describeCountdown, formatCountdown, remainingMs } from '../lib/countdown';
import { subscribeTick } from '../lib/ticker';

interface Props {
  /** portal-clock ISO expiry, or null */
  expires: string | null;
  clockOffsetMs: number;
  /** the alert setting's expiring window: the countdown turns "soon" inside it */
  expiringMinutes: number;
}

/**
 * A live countdown. React renders it once per change of `expires`; the shared ticker then rewrites only this
 * span's text and level attribute, so a tick never re-renders a row or a table.
 */
export const Countdown = memo(function Countdown({ expires, clockOffsetMs, expiringMinutes }: Props) {
  const ref = useRef<HTMLSpanElement>(null);
  const now = Date.now();
  const ms = remainingMs(expires, clockOffsetMs, now);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || expires === null) return;
    let lastText = el.textContent;
    let lastLevel = el.dataset['level'];
    return subscribeTick((t) => {
      const left = remainingMs(expires, clockOffsetMs, t);
      const text = formatCountdown(left);
      if (text !== lastText) {
        el.textContent = text;
        lastText = text;
      }
      const level = countdownLevel(left, expiringMinutes);
      if (level !== lastLevel) {
        el.dataset['level'] = level;
        el.title = describeCountdown(left);
        lastLevel = level;
      }
    });
  }, [expires, clockOffsetMs, expiringMinutes]);

  return (
    <span
      ref={ref}
      className="countdown"
      data-testid="countdown"
      data-level={countdownLevel(ms, expiringMinutes)}
      title={describeCountdown(ms)}
    >
      {formatCountdown(ms)}
    </span>
  );
});

/** A countdown to a local epoch time (e.g. an activation deadline). */
export function LocalCountdown({ at, expiringMinutes }: { at: number | null; expiringMinutes: number }) {
  return (
    <Countdown
      expires={at === null ? null : new Date(at).toISOString()}
      clockOffsetMs={0}
      expiringMinutes={expiringMinutes}
    />
  );
}
