import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type {
  EventName,
  EventPayload,
  FleetSnapshot,
  MethodName,
  PortalView,
  Result,
  Settings,
} from '../../../shared/contract';
import { syntheticHistory } from './synthetic-fleet';

/**
 * A benchmark/development harness (not production code): serves a built renderer folder and answers the web
 * transport (`/api/invoke/<method>`, `/api/events`) from a fixed synthetic fleet, so the UI can be measured with
 * 10,000 sessions without a portal. Binds 127.0.0.1 and checks the token like the real server.
 */
export interface FakeConsole {
  url: string;
  origin: string;
  token: string;
  push<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export async function startFakeConsole(opts: {
  staticRoot: string;
  fleet: FleetSnapshot;
  token?: string;
}): Promise<FakeConsole> {
  const token = opts.token ?? 'bench-token';
  let settings: Settings = { alerts: { capacityPercent: 90, expiringMinutes: 10, notifyOs: false }, theme: 'system' };
  const streams = new Set<http.ServerResponse>();
  const portals: PortalView[] = opts.fleet.portals.map((p) => ({
    id: p.portalId,
    label: p.label,
    baseUrl: p.portal?.url ?? 'http://127.0.0.1:1',
    clientId: 'bench',
    username: 'robot',
    builtin: false,
    enabled: true,
    pollIntervalMs: 5000,
    defaultIndexUrl: '',
    secrets: { clientSecret: true, password: true, persisted: false },
  }));

  const answer = (method: MethodName, input: Record<string, unknown>): Result<unknown> => {
    switch (method) {
      case 'app.info':
        return {
          ok: true,
          data: {
            version: 'bench',
            mode: 'web',
            keychain: { available: false, backend: 'none', message: 'benchmark harness' },
            settingsWarning: null,
          },
        };
      case 'portals.list':
        return { ok: true, data: portals };
      case 'settings.get':
        return { ok: true, data: settings };
      case 'settings.update':
        settings = input as unknown as Settings;
        return { ok: true, data: settings };
      case 'monitor.snapshot':
        return { ok: true, data: opts.fleet };
      case 'monitor.history': {
        const p = opts.fleet.portals.find((x) => x.portalId === input['portalId']);
        return p
          ? { ok: true, data: syntheticHistory(p, 120, 30_000) }
          : { ok: false, error: { code: 'not-found', message: 'no such portal' } };
      }
      default:
        return {
          ok: false,
          error: { code: 'not-supported', message: `${method} is not part of the benchmark harness` },
        };
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) {
      const auth =
        url.pathname === '/api/events'
          ? url.searchParams.get('token')
          : (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (auth !== token) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'token' } }));
        return;
      }
      if (url.pathname === '/api/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write(': connected\n\n');
        streams.add(res);
        req.once('close', () => streams.delete(res));
        return;
      }
      const method = decodeURIComponent(url.pathname.slice('/api/invoke/'.length)) as MethodName;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let input: Record<string, unknown> = {};
        try {
          input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          // an unreadable body is answered like an empty one
        }
        res
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify(answer(method, input)));
      });
      return;
    }
    const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const file = path.resolve(opts.staticRoot, rel);
    if (
      !file.startsWith(path.resolve(opts.staticRoot) + path.sep) ||
      !fs.existsSync(file) ||
      fs.statSync(file).isDirectory()
    ) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    url: `${origin}/#token=${token}`,
    token,
    push(event, payload) {
      for (const s of streams) s.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
