/**
 * The web console CLI (`portal-console web`, from sources) in a child process, driven over its HTTP API with its
 * per-launch token, as a browser would: for tests that kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { EventName, EventPayload, MethodName, MethodOutput } from '../../shared/contract';
import { rawRequest } from '../web/web-helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'electron', 'cli-entry.ts');

export interface WebCli {
  port: number;
  token: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  invoke<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>>;
  /** the server-sent event stream; resolves once subscribed, `close()` ends it */
  subscribe(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void): Promise<{ close(): void }>;
}

export async function spawnWebCli(args: string[]): Promise<WebCli> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'web', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // no keychain: secrets stay in memory for the run (the built-in engine's credentials are made anew)
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web did not start in 60 s: ${err.slice(-1000)}`)), 60_000);
    const check = () => {
      const m = /console ready at http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+)\n/.exec(out);
      if (m && /stop with Ctrl\+C/.test(out)) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`web exited early (${String(code)}): ${err.slice(-1000)}`));
    });
  });
  const port = Number(ready[1]);
  const token = ready[2] ?? '';
  return {
    port,
    token,
    child,
    exited,
    stdout: () => out,
    async invoke<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>> {
      const r = await rawRequest({
        port,
        method: 'POST',
        path: `/api/invoke/${method}`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input),
      });
      const body = JSON.parse(r.body) as {
        ok: boolean;
        data?: MethodOutput<M>;
        error?: { code: string; message: string };
      };
      if (!body.ok) throw new Error(`${method}: ${body.error?.code}: ${body.error?.message}`);
      return body.data as MethodOutput<M>;
    },
    subscribe(listener) {
      return new Promise((resolve, reject) => {
        const req = http.get(
          { host: '127.0.0.1', port, path: `/api/events?token=${encodeURIComponent(token)}`, agent: false },
          (res) => {
            let buf = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              buf += chunk;
              for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
                const block = buf.slice(0, i);
                buf = buf.slice(i + 2);
                if (block.includes(': connected')) resolve({ close: () => req.destroy() });
                const event = /^event: (.+)$/m.exec(block)?.[1];
                const data = /^data: (.+)$/m.exec(block)?.[1];
                if (event && data) listener(event as EventName, JSON.parse(data) as never);
              }
            });
            res.on('error', () => undefined);
          },
        );
        req.on('error', (e) => reject(e));
      });
    },
  };
}
