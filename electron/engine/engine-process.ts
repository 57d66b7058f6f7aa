/**
 * Runs the engine in a child process (`child_process.fork`) or an Electron `utilityProcess`, so SQLite's
 * synchronous calls never block the app's main process. Protocol:
 *   parent → {type:'start', options}   child → {type:'ready', url, port, portalName} | {type:'error', message}
 *   parent → {type:'stop'}             child closes the engine and exits 0; a lost parent does the same.
 * Credentials travel only in these messages, never in argv or the environment (visible to other processes).
 */
import { startEngine, type EngineOptions, type RunningEngine } from './index';
import { errorText } from '../../shared/util/error-text';

type StartOptions = Omit<EngineOptions, 'log'>;
type Incoming = { type: 'start'; options: StartOptions } | { type: 'stop' };
type Outgoing =
  | { type: 'ready'; url: string; port: number; portalName: string }
  | { type: 'error'; message: string }
  | { type: 'log'; line: string };

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: Outgoing): void {
  if (parentPort !== undefined) parentPort.postMessage(message);
  else if (process.send !== undefined && process.connected) process.send(message);
}

let engine: RunningEngine | null = null;
let starting: Promise<void> | null = null;
let exiting = false;

async function shutdown(): Promise<void> {
  if (exiting) return;
  exiting = true;
  try {
    await starting;
    await engine?.close();
  } finally {
    process.exit(0);
  }
}

function onMessage(raw: unknown): void {
  const message = raw as Incoming;
  if (typeof message !== 'object' || message === null) return;
  if (message.type === 'start' && starting === null) {
    // only the console starts this process, and it holds portal-console.lock on the engine's folder meanwhile
    const options = { ...message.options, startedByConsole: true, log: (line: string) => send({ type: 'log', line }) };
    starting = startEngine(options).then(
      (running) => {
        engine = running;
        send({ type: 'ready', url: running.url, port: running.port, portalName: running.portalName });
      },
      (err: unknown) => {
        send({ type: 'error', message: errorText(err) });
      },
    );
  } else if (message.type === 'stop') {
    void shutdown();
  }
}

if (parentPort !== undefined) {
  parentPort.on('message', (e) => onMessage(e.data));
} else if (process.send !== undefined) {
  process.on('message', onMessage);
  process.on('disconnect', () => void shutdown());
} else {
  process.stderr.write('engine-process: start me with child_process.fork or as an Electron utilityProcess\n');
  process.exitCode = 2;
}
process.on('SIGTERM', () => void shutdown());
