import { fork } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runEngine, type EngineChild, type EngineHandle, type EngineHostTimeouts } from './engine-host';
import type { EngineStartOptions } from './engine-protocol';

/**
 * Web mode and tests: the engine in a Node child process. From TypeScript sources (tests, `tsx`) the child
 * loads the engine's `.ts` entry through tsx; from `dist/` it runs the compiled `.js` with no loader.
 */
export function engineEntry(): { file: string; execArgv: string[] } {
  const fromSources = path.extname(__filename) === '.ts';
  const file = path.join(__dirname, '..', 'engine', fromSources ? 'engine-process.ts' : 'engine-process.js');
  if (!fromSources) return { file, execArgv: [] };
  // An absolute URL, so the child finds tsx whatever its working folder.
  const tsx = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;
  return { file, execArgv: ['--import', tsx] };
}

export interface NodeEngineOptions extends EngineHostTimeouts {
  /** override the engine entry (tests of the host's own handshake) */
  entry?: { file: string; execArgv: string[] };
}

export function startNodeEngine(options: EngineStartOptions, host: NodeEngineOptions = {}): Promise<EngineHandle> {
  const entry = host.entry ?? engineEntry();
  const proc = fork(entry.file, [], {
    // Explicit execArgv: never inherit the parent's flags (`--test`, inspector ports, …).
    execArgv: entry.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const child: EngineChild = {
    send: (message) => {
      if (!proc.connected) throw new Error('the engine process is not connected');
      proc.send(message);
    },
    onMessage: (listener) => proc.on('message', listener),
    onExit: (listener) => {
      proc.once('exit', (code, signal) => listener(code ?? (signal ? null : 0)));
      // A fork that fails to spawn emits 'error' without 'exit'.
      proc.once('error', () => {
        if (proc.exitCode === null && proc.signalCode === null && proc.pid === undefined) listener(null);
      });
    },
    kill: () => {
      proc.kill('SIGKILL');
    },
    pid: proc.pid,
  };
  return runEngine(child, options, host);
}
