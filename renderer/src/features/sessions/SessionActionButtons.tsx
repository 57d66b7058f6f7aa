import { portalAbilities, type Dialect } from '../../../../shared/contract';

/**
 * Extend and Terminate for one session, as the session table and the People screen show them: each only where the
 * portal lets the console do it (a Learning Center portal has no terminate endpoint and lets only the owner or staff
 * extend), and otherwise a short note whose title gives the reason.
 */
export function SessionActionButtons({
  name,
  extendable,
  busy,
  dialect,
  onExtend,
  onTerminate,
}: {
  name: string;
  /** null when the portal does not say; only `false` disables Extend */
  extendable: boolean | null;
  /** a call for this session is in flight */
  busy: boolean;
  /** the portal's dialect; null or absent: not known, both are offered */
  dialect?: Dialect | null | undefined;
  onExtend(): void;
  onTerminate(): void;
}) {
  const can = portalAbilities(dialect);
  const why = [can.extend, can.terminate].filter(Boolean).join(' ');
  return (
    <>
      {can.extend === null && (
        <button
          type="button"
          className="small"
          disabled={busy || extendable === false}
          onClick={onExtend}
          aria-label={`Extend ${name}`}
        >
          Extend
        </button>
      )}
      {can.terminate === null && (
        <button
          type="button"
          className="small danger"
          disabled={busy}
          onClick={onTerminate}
          aria-label={`Terminate ${name}`}
        >
          Terminate
        </button>
      )}
      {why && (
        <span className="muted no-actions" title={why} data-testid="no-session-actions">
          ends at expiry
        </span>
      )}
    </>
  );
}
