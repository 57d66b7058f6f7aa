import { redact } from '../ipc/redact';
import { parseChildMessage, type EngineParentMessage, type EngineStartOptions } from './engine-protocol';
import { backoffDelay } from '../../shared/util/backoff';
import { asError, errorText } from '../../shared/util/error-text';

/** The few operations the host needs from a child process: `child_process.fork` and `utilityProcess.fork` both fit. */
export interface EngineChild {
  send(message: EngineParentMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
  /** the OS process id, once known */
  readonly pid?: number | undefined;
}

export interface EngineHandle {
  url: string;
  port: number;
  portalName: string;
  /** the engine's current OS process id (diagnostics and crash tests) */
  readonly pid: number | undefined;
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
    const timer = setTimeout(
      () => fail(`the built-in engine did not start within ${readyTimeoutMs} ms`),
      readyTimeoutMs,
    );

    child.onMessage((raw) => {
      const message = parseChildMessage(raw);
      if (!message) return;
      if (message.type === 'log') {
        // The engine keeps secrets out of its lines; redacted again here because a log outlives the run.
        timeouts.log?.(redact(message.line));
        return;
      }
      if (settled) return;
      if (message.type === 'error') {
        fail(`the built-in engine failed to start: ${message.message}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ url: message.url, port: message.port, portalName: message.portalName, pid: child.pid, exited, stop });
    });
    void exited.then((code) => fail(`the built-in engine exited before it was ready (exit code ${String(code)})`));

    try {
      child.send({ type: 'start', options });
    } catch (err) {
      fail(`could not talk to the built-in engine: ${errorText(err)}`);
    }
  });
}

export type EngineStatus =
  | { state: 'crashed'; exitCode: number | null; restartInMs: number }
  | { state: 'running'; url: string; restarts: number }
  | { state: 'failed'; message: string };

export interface SuperviseOptions {
  /** where crashes and restarts are reported; default: stderr */
  log?: (line: string) => void;
  /** called on every change (tests, UI hooks) */
  onStatus?: (status: EngineStatus) => void;
  /** crashes in a row (each within `stableMs` of the previous start) before giving up; default 5 */
  maxRestarts?: number;
  /** an engine that ran this long has recovered: the crash count starts again; default 60 s */
  stableMs?: number;
  /** wait before the first restart, doubled for each crash in a row; default 500 ms */
  restartDelayMs?: number;
  now?: () => number;
}

/**
 * Keeps the built-in engine running. Without this a crash mid-run (an out-of-memory kill, a native fault in
 * SQLite) left the console polling a dead address until it was restarted by hand, with nothing in the log
 * saying why. The engine is restarted on the SAME port, so the portal URL the console knows stays valid and
 * the monitor sees the portal come back; a crash loop stops after `maxRestarts` with a message in the log.
 * `stop()` stops the current engine and any restart in progress.
 */
export function superviseEngine(
  first: EngineHandle,
  restart: (port: number) => Promise<EngineHandle>,
  options: SuperviseOptions = {},
): EngineHandle {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const maxRestarts = options.maxRestarts ?? 5;
  const stableMs = options.stableMs ?? 60_000;
  const baseDelayMs = options.restartDelayMs ?? 500;
  const now = options.now ?? Date.now;
  const report = (status: EngineStatus) => options.onStatus?.(status);

  let current = first;
  let startedAt = now();
  let crashesInARow = 0;
  let restarts = 0;
  let stopped = false;
  let delayTimer: NodeJS.Timeout | undefined;
  let wakeDelay: (() => void) | undefined;
  let pending: Promise<unknown> | null = null;
  let resolveExited!: (code: number | null) => void;
  const exited = new Promise<number | null>((resolve) => {
    resolveExited = resolve;
  });

  const giveUp = (message: string) => {
    log(redact(`portal-console: ${message}`));
    report({ state: 'failed', message });
    resolveExited(null);
  };

  const watch = (handle: EngineHandle) => {
    void handle.exited.then(async (code) => {
      if (stopped) return;
      crashesInARow = now() - startedAt >= stableMs ? 1 : crashesInARow + 1;
      if (crashesInARow > maxRestarts) {
        giveUp(
          `the built-in engine stopped unexpectedly (exit code ${String(code)}) ${crashesInARow} times in a row; ` +
            'it is not restarted again: restart the console',
        );
        return;
      }
      const delay = backoffDelay(crashesInARow, { baseMs: baseDelayMs });
      log(
        `portal-console: the built-in engine stopped unexpectedly (exit code ${String(code)}); ` +
          `restarting it in ${delay} ms`,
      );
      report({ state: 'crashed', exitCode: code, restartInMs: delay });
      await new Promise<void>((resolve) => {
        wakeDelay = resolve;
        delayTimer = setTimeout(resolve, delay);
      });
      if (stopped) return;
      // The whole attempt is one promise that stop() waits for, so no engine outlives stop().
      const attempt = (async (): Promise<EngineHandle | Error | null> => {
        let started: EngineHandle;
        try {
          started = await restart(first.port);
        } catch (err) {
          return asError(err);
        }
        if (stopped) {
          await started.stop();
          return null;
        }
        return started;
      })();
      pending = attempt;
      const next = await attempt;
      pending = null;
      if (next === null) return;
      if (next instanceof Error) {
        giveUp(`the built-in engine could not be restarted: ${next.message}`);
        return;
      }
      current = next;
      startedAt = now();
      restarts += 1;
      log(`portal-console: the built-in engine is running again at ${next.url}`);
      report({ state: 'running', url: next.url, restarts });
      watch(next);
    });
  };
  watch(first);

  let stopping: Promise<void> | null = null;
  return {
    url: first.url,
    port: first.port,
    portalName: first.portalName,
    get pid() {
      return current.pid;
    },
    exited,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        clearTimeout(delayTimer);
        wakeDelay?.();
        await pending;
        const code = await current.stop().then(() => current.exited);
        resolveExited(code);
      })()),
  };
}
