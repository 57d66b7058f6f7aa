import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensurePrivateFile, PRIVATE_FILE_MODE } from '../common/private-files';
import type { EngineHandle } from './engine-host';

/**
 * The built-in engine keeps its port across restarts. Every activation link the console hands out names the
 * engine's address, so a new random port on each start left every link from before the restart pointing at a
 * dead port. The port is chosen once (a free one, by the engine), stored beside the engine's database (the links
 * belong to that database's sessions), and reused on every start; it moves only when another program holds it,
 * and then the caller learns the old address so the links that named it can be found.
 */
export const ENGINE_PORT_FILE = 'builtin-port.json';

export interface PortedEngine {
  handle: EngineHandle;
  /** the engine's previous base URL when its stored port was taken and it moved; null otherwise */
  movedFrom: string | null;
}

export function readStoredPort(dir: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, ENGINE_PORT_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const port = (JSON.parse(text) as { port?: unknown }).port;
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65_535 ? port : null;
  } catch {
    return null;
  }
}

/** Written whole through a temp file (0600), so a crash never leaves half a file. */
export function storePort(dir: string, port: number): void {
  const file = path.join(dir, ENGINE_PORT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  fs.writeFileSync(tmp, `${JSON.stringify({ port })}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
  fs.renameSync(tmp, file);
  ensurePrivateFile(file);
}

/** Whether something on this machine already listens on 127.0.0.1:<port>. */
export function isPortTaken(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' || err.code === 'EACCES'));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}

function urlOnPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.href.replace(/\/$/, '');
}

/**
 * Starts the engine on its stored port (or, the first time, a free port chosen and stored at once). A stored port
 * that is taken (found before the start, or the reason the start failed) moves the engine to a free port; any
 * other start failure is passed on unchanged.
 */
export async function startOnStoredPort(
  dir: string,
  startOnce: (port: number) => Promise<EngineHandle>,
  log: (line: string) => void,
): Promise<PortedEngine> {
  const stored = readStoredPort(dir);
  // The first time, a free port is chosen and stored before the start, so the engine has an address even if it
  // fails to start (the console shows it on the built-in portal's card).
  const port = stored ?? (await freePort());
  if (stored === null) storePort(dir, port);
  let handle: EngineHandle | null = null;
  let taken = await isPortTaken(port);
  if (!taken) {
    try {
      handle = await startOnce(port);
    } catch (err) {
      // Taken between the probe and the engine's bind (or by a program the probe could not see): move.
      if (!(await isPortTaken(port))) throw err;
      taken = true;
    }
  }
  handle ??= await startOnce(0);
  if (handle.port !== port) storePort(dir, handle.port);
  // A port chosen a moment ago and lost at once was never handed out: no links named it.
  if (!taken || stored === null) return { handle, movedFrom: null };
  const movedFrom = urlOnPort(handle.url, stored);
  log(
    `portal-console: the built-in engine's port ${stored} is held by another program, so the engine moved from ` +
      `${movedFrom} to ${handle.url}; links handed out for the old address no longer reach it`,
  );
  return { handle, movedFrom };
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
