/**
 * A fault-injecting fake training portal: a real loopback HTTP server speaking enough of the Educates REST API
 * (OAuth password/refresh grants with refresh-token rotation enforced, catalog, workshops catalog, request,
 * activation, user sessions, schedule, extend, terminate), with switchable faults. Tests point the console core at it
 * exactly as at a real portal. With `generation: 'learning-center'` it answers as a Learning Center portal does:
 * workshops with an `id` and no `labels`, a fixed 60 s activation timeout whatever `timeout` says, no
 * `/workshops/catalog/workshops/` and no terminate route (404), and schedule and extend for the owner or staff only
 * (the robot gets 403 "Access to session not permitted").
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'slow'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'wrong-shape' };

export interface FakeEnvironment {
  name: string;
  title: string;
  capacity: number;
  reserved?: number;
  /** seconds; 0 = no expiry */
  duration: number;
  state?: 'STARTING' | 'RUNNING' | 'STOPPING';
}

export interface FakePortalOptions {
  name?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  environments?: FakeEnvironment[];
  maximum?: number;
  registered?: number;
  anonymous?: number;
  /** Learning Center: its catalog shapes (workshop.id and no labels, duration null) and its missing routes */
  generation?: 'educates' | 'learning-center';
  /** catalog sessions without `state`, as in some older published samples */
  omitSessionState?: boolean;
  /** the portal's clock minus the real clock (what the Date header shows) */
  clockSkewMs?: number;
  expiresInS?: number;
}

interface FakeSession {
  name: string;
  environment: string;
  user: string;
  state: 'WAITING' | 'RUNNING' | 'STOPPING';
  started: number;
  expires: number | null;
  token: string;
}

export interface FakePortal {
  url: string;
  options: Required<FakePortalOptions>;
  /** requests seen, by "METHOD /path/" (query dropped) */
  hits: Map<string, number>;
  grants: { password: number; refresh: number; refreshRejected: number };
  sessions: FakeSession[];
  /** applies to every path matching `match` (default: every path) until cleared */
  setFault(fault: Fault | null, match?: RegExp): void;
  /** revokes every access token (as a redeploy or an admin would) */
  revokeAccessTokens(): void;
  /** refresh grants wait for this promise, to widen race windows in tests */
  holdRefresh(p: Promise<void> | null): void;
  setPassword(password: string): void;
  /** stops listening and drops every connection, as a portal that went away; its state is kept */
  stop(): Promise<void>;
  /** listens again on the same port: the portal is back with the same sessions and tokens */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultPortal(opts: FakePortalOptions = {}): Promise<FakePortal> {
  const o: Required<FakePortalOptions> = {
    name: 'fake-portal',
    clientId: 'fake-client',
    clientSecret: 'fake-secret',
    username: 'robot@educates',
    password: 'robot-password',
    environments: [{ name: 'fake-portal-w01', title: 'Lab One', capacity: 10, duration: 1800 }],
    maximum: 0,
    registered: 0,
    anonymous: 0,
    generation: 'educates',
    omitSessionState: false,
    clockSkewMs: 0,
    expiresInS: 36000,
    ...opts,
  };
  const access = new Map<string, number>();
  let refreshTokens = new Set<string>();
  let fault: { fault: Fault; match: RegExp } | null = null;
  let refreshGate: Promise<void> | null = null;
  const hits = new Map<string, number>();
  const grants = { password: 0, refresh: 0, refreshRejected: 0 };
  const sessions: FakeSession[] = [];
  const tallies = new Map<string, number>();
  const sockets = new Set<Socket>();
  const token = () => randomBytes(15).toString('hex');
  const now = () => Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  const send = (res: http.ServerResponse, status: number, body: unknown, type = 'application/json') => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, date: new Date(now() + o.clockSkewMs).toUTCString() });
    res.end(text);
  };
  const text = (res: http.ServerResponse, status: number, message: string) =>
    send(res, status, message, 'text/html; charset=utf-8');

  const live = (s: FakeSession) => s.state !== 'STOPPING';
  const envOf = (name: string) => o.environments.find((e) => e.name === name);
  const allocatedIn = (env: string) => sessions.filter((s) => s.environment === env && live(s)).length;

  const sessionJson = (s: FakeSession) => {
    const base: Record<string, unknown> = { name: s.name, namespace: s.name, user: s.user, started: iso(s.started) };
    if (!o.omitSessionState) base['state'] = s.state;
    if (s.expires !== null) {
      base['expires'] = iso(s.expires);
      base['countdown'] = Math.max(0, Math.round((s.expires - now()) / 1000));
      base['extendable'] = s.state === 'RUNNING';
    }
    return base;
  };

  const lc = () => o.generation === 'learning-center';
  const workshopJson = (e: FakeEnvironment) => {
    const workshop: Record<string, unknown> = {
      name: e.name.replace(/-w\d+$/, ''),
      title: e.title,
      description: '',
      vendor: '',
      authors: [],
      difficulty: '',
      duration: '',
      tags: [],
      logo: '',
      url: '',
    };
    if (lc()) workshop['id'] = 'abc123';
    else workshop['labels'] = {};
    return workshop;
  };

  const catalog = (withSessions: boolean) => ({
    portal: {
      name: o.name,
      uid: 'uid',
      generation: 1,
      url: url,
      sessions: {
        maximum: o.maximum,
        registered: o.registered,
        anonymous: o.anonymous,
        allocated: sessions.filter(live).length,
      },
    },
    environments: o.environments.map((e) => {
      const allocated = allocatedIn(e.name);
      return {
        name: e.name,
        state: e.state ?? 'RUNNING',
        workshop: workshopJson(e),
        duration: o.generation === 'educates' ? e.duration : e.duration || null,
        capacity: e.capacity,
        reserved: e.reserved ?? 0,
        allocated,
        available: Math.max(0, Math.min(e.reserved ?? 0, e.capacity - allocated)),
        ...(withSessions && { sessions: sessions.filter((s) => s.environment === e.name && live(s)).map(sessionJson) }),
      };
    }),
  });

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve) => {
      let b = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (b += c));
      req.on('end', () => resolve(b));
      req.on('error', () => resolve(b));
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const key = `${req.method} ${u.pathname}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);

    if (fault && fault.match.test(u.pathname)) {
      const f = fault.fault;
      if (f.kind === 'hang') return; // never answers; the client's timeout must fire
      if (f.kind === 'reset') return req.socket.destroy();
      if (f.kind === 'slow') await new Promise((r) => setTimeout(r, f.delayMs));
      if (f.kind === 'status') return text(res, f.status, f.body ?? 'Server Error');
      if (f.kind === 'malformed') return send(res, 200, '{"portal": {"name": "x", ');
      if (f.kind === 'wrong-shape') return send(res, 200, { hello: 'world', environments: 'none' });
    }

    let m: RegExpMatchArray | null;
    if (u.pathname === '/oauth2/token/' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const basic = (req.headers.authorization ?? '').replace(/^Basic /, '');
      const [id, secret] = Buffer.from(basic, 'base64').toString().split(':');
      if (id !== o.clientId || secret !== o.clientSecret) return send(res, 401, { error: 'invalid_client' });
      const grant = form.get('grant_type');
      if (grant === 'password') {
        if (form.get('username') !== o.username || form.get('password') !== o.password) {
          return send(res, 400, { error: 'invalid_grant', error_description: 'Invalid credentials given.' });
        }
        grants.password++;
      } else if (grant === 'refresh_token') {
        if (refreshGate) await refreshGate;
        const rt = form.get('refresh_token') ?? '';
        // Rotation enforced: a refresh token works once; a second concurrent refresh gets invalid_grant.
        if (!refreshTokens.delete(rt)) {
          grants.refreshRejected++;
          return send(res, 400, { error: 'invalid_grant' });
        }
        grants.refresh++;
      } else return send(res, 400, { error: 'unsupported_grant_type' });
      const at = token();
      const rt = token();
      access.set(at, now() + o.expiresInS * 1000);
      refreshTokens.add(rt);
      return send(res, 200, {
        access_token: at,
        expires_in: o.expiresInS,
        token_type: 'Bearer',
        scope: 'user:info',
        refresh_token: rt,
      });
    }

    // the browser's activation link: no bearer token, the session's own token in the query
    if ((m = u.pathname.match(/^\/workshops\/session\/([-\w]+)\/activate\/$/))) {
      const s = sessions.find((x) => x.name === m?.[1] && live(x));
      if (!s || s.token !== u.searchParams.get('token') || s.state !== 'WAITING')
        return text(res, 403, 'Invalid activation');
      const env = envOf(s.environment);
      s.state = 'RUNNING';
      s.started = now();
      s.expires = env && env.duration > 0 ? now() + env.duration * 1000 : null;
      res.writeHead(302, { location: `/workshops/session/${s.name}/` }).end();
      return;
    }

    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const exp = access.get(bearer);
    if (exp === undefined || exp < now()) return text(res, 403, '');

    if (u.pathname === '/workshops/catalog/workshops/' && !lc()) {
      const running = o.environments.filter((e) => (e.state ?? 'RUNNING') === 'RUNNING');
      return send(res, 200, { portal: catalog(false).portal, workshops: running.map(workshopJson) });
    }
    if (u.pathname === '/workshops/catalog/environments/') {
      return send(res, 200, catalog(u.searchParams.get('sessions') === 'true'));
    }
    if ((m = u.pathname.match(/^\/workshops\/environment\/([-\w]+)\/request\/$/))) {
      const env = envOf(m[1] ?? '');
      if (!env) return text(res, 403, 'Environment does not exist');
      const indexUrl = u.searchParams.get('index_url');
      if (!indexUrl) return text(res, 400, 'Need redirect URL for workshop index');
      const user = u.searchParams.get('user') || randomBytes(8).toString('hex');
      // Learning Center has no timeout parameter: 60 s, whatever the request says
      const timeout = lc() ? 60 : Number(u.searchParams.get('timeout') ?? '60');
      const mine = sessions.find((s) => s.user === user && s.environment === env.name && live(s));
      const respond = (s: FakeSession) =>
        send(res, 200, {
          name: s.name,
          session: s.name,
          user: s.user,
          url: `/workshops/session/${s.name}/activate/?token=${s.token}&index_url=${encodeURIComponent(indexUrl)}`,
          namespace: s.name,
          workshop: env.name.replace(/-w\d+$/, ''),
          environment: env.name,
        });
      if (mine) return respond(mine);
      const cap = o.anonymous || o.registered;
      const userCount = sessions.filter((s) => s.user === user && live(s)).length;
      const full =
        (env.state ?? 'RUNNING') !== 'RUNNING' ||
        allocatedIn(env.name) >= env.capacity ||
        (o.maximum > 0 && sessions.filter(live).length >= o.maximum) ||
        (cap > 0 && userCount >= cap);
      if (full) return send(res, 503, { error: 'No session available' });
      const n = (tallies.get(env.name) ?? 0) + 1;
      tallies.set(env.name, n);
      const s: FakeSession = {
        name: `${env.name}-s${String(n).padStart(3, '0')}`,
        environment: env.name,
        user,
        state: 'WAITING',
        started: now(),
        expires: timeout === 0 ? null : now() + timeout * 1000,
        token: token(),
      };
      sessions.push(s);
      return respond(s);
    }
    if ((m = u.pathname.match(/^\/workshops\/user\/([-\w]+)\/sessions\/$/))) {
      const user = m[1] ?? '';
      return send(res, 200, {
        user,
        sessions: sessions
          .filter((s) => s.user === user && live(s))
          .map((s) => {
            const { state: _state, user: _user, ...rest } = sessionJson(s);
            return { ...rest, workshop: s.environment.replace(/-w\d+$/, ''), environment: s.environment };
          }),
      });
    }
    if ((m = u.pathname.match(/^\/workshops\/session\/([-\w]+)\/(schedule|extend|terminate)\/$/))) {
      const action = m[2];
      if (lc() && action === 'terminate') return text(res, 404, '<h1>Not Found</h1>');
      const s = sessions.find((x) => x.name === m?.[1] && live(x));
      if (!s) return text(res, 404, '<h1>Not Found</h1>');
      // Learning Center: the session's owner or staff only, never the robot
      if (lc()) return text(res, 403, 'Access to session not permitted');
      if (action === 'terminate') {
        s.state = 'STOPPING';
        s.expires = now();
        return send(res, 200, { started: iso(s.started), expires: iso(s.expires) });
      }
      let extended = false;
      if (action === 'extend' && s.expires !== null) {
        s.expires += 300_000;
        extended = true;
      }
      return send(res, 200, {
        status: s.state,
        started: iso(s.started),
        expires: s.expires === null ? null : iso(s.expires),
        ...(action === 'extend' && { extended }),
        expiring: false,
        ...(s.expires !== null && { countdown: Math.round((s.expires - now()) / 1000), extendable: true }),
      });
    }
    return text(res, 404, '<h1>Not Found</h1>');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) text(res, 500, 'Server Error');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };

  return {
    url,
    options: o,
    hits,
    grants,
    sessions,
    setFault(f, match = /./) {
      fault = f ? { fault: f, match } : null;
    },
    revokeAccessTokens() {
      access.clear();
    },
    holdRefresh(p) {
      refreshGate = p;
    },
    setPassword(p) {
      o.password = p;
      refreshTokens = new Set();
    },
    stop,
    async restart() {
      if (server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    close: stop,
  };
}
