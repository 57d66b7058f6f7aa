import path from 'node:path';
import { utilityProcess } from 'electron';
import { runEngine, type EngineChild, type EngineHandle, type EngineHostTimeouts } from './engine-host';
import type { EngineStartOptions } from './engine-protocol';

/**
 * Electron: the engine in a utilityProcess (a Node child managed by Electron), so its HTTP server and
 * SQLite work never run on the main process that serves the UI. Imported only by `main.ts`.
 */
export function startUtilityEngine(options: EngineStartOptions, host: EngineHostTimeouts = {}): Promise<EngineHandle> {
  const file = path.join(__dirname, '..', 'engine', 'engine-process.js');
  const proc = utilityProcess.fork(file, [], { serviceName: 'Portal Console engine', stdio: 'inherit' });
  // Messages wait for the spawn so none is lost in the gap between fork and the child's listener.
  const spawned = new Promise<void>((resolve) => proc.once('spawn', () => resolve()));
  const child: EngineChild = {
    send: (message) => {
      void spawned.then(() => proc.postMessage(message));
    },
    onMessage: (listener) => proc.on('message', listener),
    onExit: (listener) => proc.once('exit', (code) => listener(code)),
    kill: () => {
      proc.kill();
    },
    get pid() {
      return proc.pid;
    },
  };
  return runEngine(child, options, host);
}
