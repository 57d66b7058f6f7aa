import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { attendeePage, EMPTY_FORM, messagePage, notificationBanner, type AttendeePageData } from './checkin-page';
import { CHECKIN_CSS } from './checkin-style';
import { parseForm } from './checkin-form';
import type { Outcome, PageContext } from './checkin-flow';

/**
 * One event's check-in page: its own HTTP server, apart from the console's (it serves no console route, never sees
 * the console's token and shares no cookie name with anything else on the host). Strangers can reach it once it is
 * shared, so every rule below names the threat it answers.
 */
export interface CheckinLimits {
  /** form submissions per client address per minute; a client that keeps sending stays refused */
  submissionsPerIp: number;
  /** form submissions per minute for the whole event (every address together) */
  submissionsPerEvent: number;
  /** page loads per client address per minute */
  pagesPerIp: number;
  /** the form is four short fields: anything larger is not a check-in */
  bodyBytes: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

/**
 * 300 people checking in within a minute (each a page load and a submission or two) pass far below these; a
 * script sending from one address is stopped after a few tries, and one sending from many addresses cannot drain
 * the portal faster than the per-event limit.
 */
export const DEFAULT_CHECKIN_LIMITS: CheckinLimits = {
  submissionsPerIp: 10,
  submissionsPerEvent: 600,
  pagesPerIp: 120,
  bodyBytes: 4096,
  requestTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
};

export interface CheckinHandler {
  eventId: string;
  /** what the page shows; throws when the event is gone */
  page(): PageContext;
  submit(
    values: { firstName: string; lastName: string; email: string; environment: string },
    code: string,
  ): Promise<Outcome>;
  /** a submission the rate limits refused, or one refused before it reached `submit` */
  count(kind: 'limited' | 'refused'): void;
}

export interface CheckinServerOptions {
  address: string;
  /** 0: a free port */
  port: number;
  handler: CheckinHandler;
  limits: CheckinLimits;
  log: (line: string) => void;
}

export interface CheckinServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const HEADERS: Readonly<Record<string, string>> = {
  // Threat: MIME confusion, a page or the style sheet taken for something else.
  'x-content-type-options': 'nosniff',
  // Threat: the page's address (or a portal's) leaking to other sites.
  'referrer-policy': 'no-referrer',
  // Threat: clickjacking: another site framing the form (frame-ancestors for CSP-aware browsers, this for the rest).
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * No script at all, styles only from the page's own style sheet. `form-action` must name the portal: Chromium
 * applies it to the redirect that answers the form, which goes to the portal's activation address.
 */
function csp(formTargets: readonly string[]): string {
  const targets = ["'self'", ...formTargets].join(' ');
  return (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; " +
    `form-action ${targets}; frame-ancestors 'none'`
  );
}

function html(reply: FastifyReply, status: number, body: string, formTargets: readonly string[] = []): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', csp(formTargets))
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(body);
}

/** at most `max` in each window of `windowMs` (fixed windows, as the per-address limit counts) */
class FixedWindow {
  private started = 0;
  private count = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  take(): boolean {
    const now = Date.now();
    if (now - this.started >= this.windowMs) {
      this.started = now;
      this.count = 0;
    }
    if (this.count >= this.max) return false;
    this.count++;
    return true;
  }
}

export async function startCheckinServer(o: CheckinServerOptions): Promise<CheckinServer> {
  const { limits, handler } = o;
  let hosts: ReadonlySet<string> = new Set();
  const app = Fastify({
    logger: false,
    bodyLimit: limits.bodyBytes,
    // Threat: connections held open by trickling headers or bodies, or idle keep-alives, until sockets run out.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      maxHeaderSize: 8192,
      connectionsCheckingInterval: 1000,
    },
    // Nothing sits in front of the page: X-Forwarded-For is never believed (it would let anyone pick their address
    // for the rate limits).
    trustProxy: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    forceCloseConnections: true,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 100 },
    // Threat: the router's own error bodies echoing the request; a clear page instead. The page is sent here: the
    // reply (a thenable) would only tell when the socket has finished, which nothing waits for.
    frameworkErrors: (_err, _request, reply) => {
      void html(
        reply,
        400,
        messagePage('This address cannot be read', 'Open the check-in page from its link or QR code.'),
      );
    },
  });
  // Only the form's encoding: no JSON, no text bodies.
  app.removeAllContentTypeParsers();
  await app.register(fastifyFormbody, { bodyLimit: limits.bodyBytes });
  await app.register(fastifyCookie);
  // Double-submit: the secret in an HttpOnly, SameSite=Strict cookie, the token in the form. Threat: another site
  // submitting the form from a visitor's browser (checking them in under someone else's name). The cookie's name is
  // the event's own: cookies are shared by every port of a host, so two events' pages must not overwrite each other.
  const cookieKey = `checkin_${createHash('sha256').update(handler.eventId).digest('hex').slice(0, 12)}`;
  await app.register(fastifyCsrf, {
    cookieKey,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict' },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?.['_csrf'] === 'string' ? body['_csrf'] : '';
    },
  });
  await app.register(fastifyRateLimit, { global: false, cache: 10_000 });

  // Threat: DNS rebinding (a site's own name re-pointed at this address, so the browser lets that site read the
  // page): only the address the page is served at is answered.
  app.addHook('onRequest', async (request, reply) => {
    if (hosts.has((request.headers.host ?? '').toLowerCase())) return undefined;
    return html(reply, 421, messagePage('Wrong address', 'This server answers only at its own address.', false));
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(HEADERS)) reply.header(name, value);
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', csp([]));
    return payload;
  });

  const refusedPage = (status: number, title: string, text: string) => (_req: FastifyRequest, reply: FastifyReply) =>
    html(reply, status, messagePage(title, text));
  const tooMany = refusedPage(
    429,
    'Too many check-ins',
    'Too many check-ins were sent from here (or to this event) in the last minute. Wait a minute and try again.',
  );
  app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 429) {
      if (request.method === 'POST') handler.count('limited');
      if (!reply.hasHeader('retry-after')) reply.header('retry-after', '60');
      return tooMany(request, reply);
    }
    if (typeof error.code === 'string' && error.code.startsWith('FST_CSRF')) {
      handler.count('refused');
      return refusedPage(
        403,
        'This form has expired',
        'Load the check-in page again and send the form once more.',
      )(request, reply);
    }
    if (status === 413) return refusedPage(413, 'Too much data', 'The form sent was too large.')(request, reply);
    if (status >= 400 && status < 500) {
      return refusedPage(
        status,
        'The form could not be read',
        'Load the check-in page again and fill it in.',
      )(request, reply);
    }
    const where = `${request.method} ${request.url.split('?', 1)[0] ?? ''}`;
    o.log(`portal-console: check-in page error on ${where}: ${String(error.code ?? 'unexpected')}`);
    return refusedPage(
      500,
      'Something went wrong',
      'The check-in page could not answer. Ask a facilitator.',
    )(request, reply);
  });
  app.setNotFoundHandler(refusedPage(404, 'Not found', 'There is nothing at this address.'));

  const eventWindow = new FixedWindow(limits.submissionsPerEvent, 60_000);
  const pageLimit = app.rateLimit({ max: limits.pagesPerIp, timeWindow: 60_000 });
  const render = (reply: FastifyReply, status: number, ctx: PageContext, extra: Partial<AttendeePageData>) =>
    html(
      reply,
      status,
      attendeePage({ ...ctx.page, csrfToken: reply.generateCsrf(), values: EMPTY_FORM, banner: null, ...extra }),
      ctx.formTargets,
    );

  app.get('/', { onRequest: pageLimit }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    return render(reply, 200, handler.page(), { banner: notificationBanner(query['notification']) });
  });

  app.post(
    '/',
    {
      onRequest: [
        // Threat: one client flooding the form (guessing the code, filling the workshop under made-up names);
        // it stays refused while it keeps sending.
        app.rateLimit({ max: limits.submissionsPerIp, timeWindow: 60_000, continueExceeding: true }),
        // Threat: many clients together draining the portal's capacity faster than people arrive. (The plugin
        // runs one limit per request, so this second one is a counter of its own.)
        async () => {
          if (!eventWindow.take()) throw Object.assign(new Error('per-event limit'), { statusCode: 429 });
        },
      ],
      preHandler: (request, reply, done) => app.csrfProtection(request, reply, done),
    },
    async (request, reply) => {
      const ctx = handler.page();
      const form = parseForm(request.body, ctx.page.askCode);
      if (!form.ok) {
        handler.count('refused');
        const banner = { kind: 'error' as const, title: form.problem, text: '' };
        return render(reply, 400, ctx, { values: form.values, banner });
      }
      const outcome = await handler.submit(form.values, form.code);
      if (outcome.kind === 'redirect') {
        return reply.code(303).header('cache-control', 'no-store').redirect(outcome.url, 303);
      }
      return render(reply, outcome.status, handler.page(), { values: form.values, banner: outcome.banner });
    },
  );

  app.get('/checkin.css', { onRequest: pageLimit }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('text/css; charset=utf-8').send(CHECKIN_CSS),
  );
  // Browsers ask for it unprompted; an empty answer keeps their consoles quiet.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());

  app.server.maxConnections = limits.maxConnections;
  await app.listen({ host: o.address, port: o.port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the check-in server has no TCP address');
  const hostNames = [`${o.address}:${address.port}`];
  if (o.address === '127.0.0.1') hostNames.push(`localhost:${address.port}`);
  hosts = new Set(hostNames);
  let closing: Promise<void> | null = null;
  return {
    port: address.port,
    url: `http://${o.address}:${address.port}/`,
    close: () => (closing ??= app.close()),
  };
}
