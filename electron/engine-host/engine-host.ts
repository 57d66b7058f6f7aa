import { parseChildMessage, type EngineParentMessage, type EngineStartOptions } from './engine-protocol';

/** The few operations the host needs from a child process: `child_process.fork` and `utilityProcess.fork` both fit. */
export interface EngineChild {
  send(message: EngineParentMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export interface EngineHandle {
  url: string;
  port: number;
  portalName: string;
  /** resolves with the exit code once the engine's process has ended (whatever the reason) */
  readonly exited: Promise<number | null>;
  /** asks the engine to close, then kills it if it has not exited in time; safe to call twice */
  stop(): Promise<void>;
}

export interface EngineHostTimeouts {
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** where the engine's log lines go (the engine keeps secrets out of them); default: dropped */
  log?: (line: string) => void;
}

export class EngineStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineStartError';
  }
}

/**
 * Runs the start handshake on a freshly forked child: `start` → `ready` (or `error`, an early exit, or a
 * timeout, each of which kills the child and rejects). Shared by the Node and Electron hosts.
 */
export function runEngine(
  child: EngineChild,
  options: EngineStartOptions,
  timeouts: EngineHostTimeouts = {},
): Promise<EngineHandle> {
  const readyTimeoutMs = timeouts.readyTimeoutMs ?? 30_000;
  const stopTimeoutMs = timeouts.stopTimeoutMs ?? 5_000;

  let exitCode: number | null | undefined;
  let resolveExited!: (code: number | null) => void;
  const exited = new Promise<number | null>((resolve) => {
    resolveExited = resolve;
  });
  child.onExit((code) => {
    exitCode = code;
    resolveExited(code);
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    if (stopping) return stopping;
    stopping = (async () => {
      if (exitCode !== undefined) return;
      try {
        child.send({ type: 'stop' });
      } catch {
        // The channel is already closed: the kill below ends it.
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), stopTimeoutMs);
      });
      const outcome = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        child.kill();
        await exited;
      }
    })();
    return stopping;
  };

  return new Promise<EngineHandle>((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (exitCode === undefined) child.kill();
      reject(new EngineStartError(message));
    };
    const timer = setTimeout(() => fail(`the built-in engine did not start within ${readyTimeoutMs} ms`), readyTimeoutMs);

    child.onMessage((raw) => {
      const message = parseChildMessage(raw);
      if (!message) return;
      if (message.type === 'log') {
        timeouts.log?.(message.line);
        return;
      }
      if (settled) return;
      if (message.type === 'error') {
        fail(`the built-in engine failed to start: ${message.message}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ url: message.url, port: message.port, portalName: message.portalName, exited, stop });
    });
    void exited.then((code) => fail(`the built-in engine exited before it was ready (exit code ${String(code)})`));

    try {
      child.send({ type: 'start', options });
    } catch (err) {
      fail(`could not talk to the built-in engine: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}
