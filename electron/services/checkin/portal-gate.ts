import fastifyRateLimit from '@fastify/rate-limit';
import fastifyReplyFrom from '@fastify/reply-from';
import Fastify, { type FastifyReply } from 'fastify';
import { messagePage } from './checkin-page';
import { CHECKIN_CSS } from './checkin-style';

/**
 * The built-in portal's door on a shared address. The engine listens on 127.0.0.1 only; when a check-in page is
 * shared on another address, attendees' browsers must reach the engine there too (the activation link, the session
 * page, its Finish button and its heartbeat). This gate, in the console, listens on that address and passes on only
 * those browser routes. Everything else the engine serves stays on 127.0.0.1: the REST API and the robot's OAuth
 * sign-in (threat: password guessing and the robot's API from the network), the catalog and the web flow that
 * allocates sessions without the check-in page (threat: the event code bypassed), and the admin pages.
 * No engine change: the engine's links are relative, so a browser that entered through the gate stays on it.
 */
export interface PortalGate {
  port: number;
  origin: string;
  close(): Promise<void>;
}

export interface PortalGateOptions {
  address: string;
  /** 0: a free port */
  port: number;
  /** the engine, e.g. http://127.0.0.1:18101 */
  engineUrl: string;
  /** where `/` and the catalog send a browser (the engine would show its catalog): a check-in page, or none */
  home(): string | null;
  /** requests per client address per minute (a session page's heartbeat is at most one a second) */
  requestsPerIp?: number;
  log: (line: string) => void;
}

const SESSION = '/workshops/session/:session';
const SLUG = /^[-a-zA-Z0-9_]{1,100}$/;

function page(reply: FastifyReply, status: number, title: string, text: string): FastifyReply {
  return reply
    .code(status)
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .type('text/html; charset=utf-8')
    .send(messagePage(title, text, false));
}

export async function startPortalGate(o: PortalGateOptions): Promise<PortalGate> {
  let host = '';
  const app = Fastify({
    logger: false,
    bodyLimit: 1024,
    requestTimeout: 15_000,
    keepAliveTimeout: 5_000,
    http: { headersTimeout: 10_000, maxHeaderSize: 16_384, connectionsCheckingInterval: 1000 },
    trustProxy: false,
    forceCloseConnections: true,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 100 },
    // The page is sent here: the reply (a thenable) would only tell when the socket has finished, which nothing
    // waits for.
    frameworkErrors: (_err, _request, reply) => {
      void page(reply, 400, 'Not found', 'There is nothing at this address.');
    },
  });
  // Bodies pass through untouched (the heartbeat's small JSON); nothing here parses them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(fastifyReplyFrom, {
    base: o.engineUrl,
    undici: { connections: 64, pipelining: 1, keepAliveTimeout: 4_000 },
    disableRequestLogging: true,
  });
  await app.register(fastifyRateLimit, { global: true, max: o.requestsPerIp ?? 600, timeWindow: 60_000 });

  // Threat: DNS rebinding, as for the check-in page.
  app.addHook('onRequest', async (request, reply) => {
    if ((request.headers.host ?? '').toLowerCase() === host) return undefined;
    return page(reply, 421, 'Wrong address', 'This server answers only at its own address.');
  });

  const forward = async (request: { url: string; params: unknown }, reply: FastifyReply) => {
    const session = (request.params as { session?: string }).session ?? '';
    if (!SLUG.test(session)) return page(reply, 404, 'Not found', 'There is nothing at this address.');
    return reply.from(request.url, {
      onError: (_r, { error }) => {
        const code = (error as { code?: string }).code ?? 'error';
        o.log(`portal-console: the built-in portal's gate could not reach the engine: ${code}`);
        void page(reply, 502, 'The workshop portal is not answering', 'Try again in a moment, or ask a facilitator.');
      },
    });
  };
  app.get(`${SESSION}/activate/`, forward);
  app.get(`${SESSION}/`, forward);
  app.get(`${SESSION}/delete/`, forward);
  app.post(`${SESSION}/activity/`, forward);

  // The engine would show its catalog (and, with anonymous registration, a way to start a session without the
  // check-in page): the attendee goes back to the check-in page instead, with the portal's notification.
  const home = async (request: { query: unknown }, reply: FastifyReply) => {
    const to = o.home();
    if (to === null) {
      return page(reply, 404, 'No check-in page', "Open your event's check-in page (scan its QR code).");
    }
    const notification = (request.query as Record<string, unknown>)['notification'];
    const target = new URL(to);
    if (typeof notification === 'string' && /^[a-z-]{1,40}$/.test(notification)) {
      target.searchParams.set('notification', notification);
    }
    return reply.code(302).header('cache-control', 'no-store').redirect(target.toString(), 302);
  };
  app.get('/', home);
  app.get('/checkin.css', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('text/css; charset=utf-8').send(CHECKIN_CSS),
  );
  app.get('/workshops/catalog/', home);
  app.setNotFoundHandler((_request, reply) => page(reply, 404, 'Not found', 'There is nothing at this address.'));
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 429) return page(reply, 429, 'Too many requests', 'Wait a minute and try again.');
    if (status >= 400 && status < 500) return page(reply, status, 'Not understood', 'This request could not be read.');
    o.log("portal-console: unexpected error in the built-in portal's gate");
    return page(reply, 500, 'Something went wrong', 'Try again in a moment, or ask a facilitator.');
  });

  app.server.maxConnections = 1024;
  await app.listen({ host: o.address, port: o.port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the gate has no TCP address');
  host = `${o.address}:${address.port}`;
  let closing: Promise<void> | null = null;
  return { port: address.port, origin: `http://${host}`, close: () => (closing ??= app.close()) };
}
