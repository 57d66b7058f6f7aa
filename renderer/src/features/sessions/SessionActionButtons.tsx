/** Extend and Terminate for one session, as the session table and the People screen show them. */
export function SessionActionButtons({
  name,
  extendable,
  busy,
  onExtend,
  onTerminate,
}: {
  name: string;
  /** null when the portal does not say; only `false` disables Extend */
  extendable: boolean | null;
  /** a call for this session is in flight */
  busy: boolean;
  onExtend(): void;
  onTerminate(): void;
}) {
  return (
    <>
      <button type="button" className="small" disabled={busy || extendable === false} onClick={onExtend} aria-label={`Extend ${name}`}>
        Extend
      </button>
      <button type="button" className="small danger" disabled={busy} onClick={onTerminate} aria-label={`Terminate ${name}`}>
        Terminate
      </button>
    </>
  );
}
