/**
 * Listening on a kept port: the port chosen the first time is used again, so an address handed out (a QR code on
 * the projector, an attendee's open session page) stays valid across restarts. Only when another program holds it
 * does the server move to a free port, and the caller is told where it was.
 */
export async function listenOnKept<T extends { port: number }>(
  kept: number | null,
  listen: (port: number) => Promise<T>,
): Promise<{ server: T; movedFrom: number | null }> {
  if (kept === null) return { server: await listen(0), movedFrom: null };
  try {
    return { server: await listen(kept), movedFrom: null };
  } catch (err) {
    if (errorCode(err) !== 'EADDRINUSE') throw err;
    return { server: await listen(0), movedFrom: kept };
  }
}

function errorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : '';
}

/** a listen failure in the facilitator's words (never a stack) */
export function listenFailure(err: unknown, address: string): string {
  switch (errorCode(err)) {
    case 'EADDRNOTAVAIL':
      return `${address} is not an address of this computer now (the network may have changed): choose another network`;
    case 'EACCES':
      return `this computer does not allow listening on ${address} at that port`;
    case 'EADDRINUSE':
      return `every port tried on ${address} is in use`;
    default:
      return `could not listen on ${address}: ${err instanceof Error ? err.message.split('\n')[0] : 'unknown reason'}`;
  }
}
