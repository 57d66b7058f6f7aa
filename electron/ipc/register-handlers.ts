import { eventNames, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type Result } from '../../shared/contract';
import type { ConsoleEvents } from '../services/core-types';
import { failure, type Dispatch } from './dispatch';
import type { SenderCheck } from './sender-policy';

/**
 * Electron IPC transport. Typed against the small parts of `ipcMain` / `webContents` it uses, so it runs and
 * is tested in plain Node with fakes; main passes the real objects.
 */
export interface InvokeEventLike {
  senderFrame: { url: string; parent?: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface EventSinkLike {
  isDestroyed(): boolean;
  send(channel: string, message: { event: string; payload: unknown }): void;
}

export interface RegisterHandlersOptions {
  ipcMain: IpcMainLike;
  dispatch: Dispatch;
  isTrustedSender: SenderCheck;
}

/** The one wrapper every IPC call goes through: sender check first, then the shared dispatcher. */
export function createInvokeListener(
  dispatch: Dispatch,
  isTrustedSender: SenderCheck,
): (event: InvokeEventLike, ...args: unknown[]) => Promise<Result<unknown>> {
  return async (event, ...args) => {
    const frame = event.senderFrame;
    // Threat: a subframe or a navigated-away page calling privileged methods. Only the top-level app page may.
    if (!frame || (frame.parent !== undefined && frame.parent !== null) || !isTrustedSender(frame.url)) {
      return failure('forbidden', 'this page may not use the console');
    }
    const [method, input] = args;
    if (typeof method !== 'string') return failure('invalid-input', 'a method name is needed');
    return dispatch(method, input);
  };
}

/** Registers ONE handler for every contract method; returns the function that removes it. */
export function registerHandlers(options: RegisterHandlersOptions): () => void {
  options.ipcMain.handle(IPC_INVOKE_CHANNEL, createInvokeListener(options.dispatch, options.isTrustedSender));
  return () => options.ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}

/**
 * Forwards every contract event to the window. The sink is looked up per event so a re-created window keeps
 * receiving; nothing is sent to a destroyed one. Returns the function that unsubscribes all.
 */
export function forwardEvents(events: ConsoleEvents, getSink: () => EventSinkLike | null): () => void {
  const offs = eventNames.map((event) =>
    events.on(event, (payload) => {
      const sink = getSink();
      if (sink && !sink.isDestroyed()) sink.send(IPC_EVENT_CHANNEL, { event, payload });
    }),
  );
  return () => {
    for (const off of offs) off();
  };
}
