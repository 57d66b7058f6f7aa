/**
 * What a thrown value says, for a log line or a message: an Error's message, anything else as a string (a
 * rejection can carry any value). `firstLine` keeps only the first line, for native errors that append a trace.
 */
export function errorText(err: unknown, options: { firstLine?: boolean } = {}): string {
  const text = err instanceof Error ? err.message : String(err);
  return options.firstLine ? (text.split('\n')[0] ?? text) : text;
}

/** The same with the stack when there is one: for a tool's last words on stderr, not for a user. */
export function errorDetail(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** A thrown value as an Error, so that code that keeps or rethrows it has a message and a stack to work with. */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
