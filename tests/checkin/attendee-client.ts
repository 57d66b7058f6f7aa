/**
 * An attendee's browser in plain HTTP: a cookie jar per host, the check-in page's form read from its HTML, and
 * requests sent from a chosen local address (127.0.0.x), so tests and the benchmark can be many people at once
 * without a browser each.
 */
import http from 'node:http';
import net from 'node:net';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  location: string | null;
}

export interface SendOptions {
  method?: 'GET' | 'POST' | 'HEAD';
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export class AttendeeClient {
  /** host → cookie name → value */
  private readonly jar = new Map<string, Map<string, string>>();
  private readonly agent: http.Agent;

  constructor(localAddress = '127.0.0.1') {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4, localAddress });
  }

  close(): void {
    this.agent.destroy();
  }

  send(url: string, o: SendOptions = {}): Promise<Answer> {
    const u = new URL(url);
    const cookies = [...(this.jar.get(u.hostname) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          method: o.method ?? 'GET',
          agent: this.agent,
          headers: {
            ...(cookies.length > 0 && { cookie: cookies.join('; ') }),
            ...(o.body !== undefined && {
              'content-type': 'application/x-www-form-urlencoded',
              'content-length': String(Buffer.byteLength(o.body)),
            }),
            ...o.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            this.keep(u.hostname, res.headers['set-cookie']);
            const loc = res.headers.location;
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              location: loc === undefined ? null : new URL(loc, url).toString(),
            });
          });
          res.on('error', reject);
        },
      );
      const timer = setTimeout(
        () => req.destroy(new Error(`${o.method ?? 'GET'} ${u.pathname} timed out`)),
        o.timeoutMs ?? 15_000,
      );
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(o.body);
    });
  }

  /** loads the check-in page and sends its form with these fields; the answer to the POST */
  async checkIn(pageUrl: string, fields: Record<string, string>): Promise<Answer> {
    const page = await this.send(pageUrl);
    if (page.status !== 200) throw new Error(`the check-in page answered ${page.status}`);
    return this.submit(pageUrl, csrfToken(page.body), fields);
  }

  submit(pageUrl: string, token: string, fields: Record<string, string>): Promise<Answer> {
    return this.send(pageUrl, { method: 'POST', body: new URLSearchParams({ _csrf: token, ...fields }).toString() });
  }

  /** follows redirects from `url` (at most 10) and returns the last answer and the URL it came from */
  async follow(url: string): Promise<{ url: string; answer: Answer }> {
    let at = url;
    for (let i = 0; i < 10; i++) {
      const a = await this.send(at);
      if (a.location === null || a.status < 300 || a.status >= 400) return { url: at, answer: a };
      at = a.location;
    }
    throw new Error('too many redirects');
  }

  private keep(host: string, setCookie: string[] | undefined): void {
    if (!setCookie) return;
    let m = this.jar.get(host);
    if (!m) this.jar.set(host, (m = new Map<string, string>()));
    for (const line of setCookie) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) m.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
}

export function csrfToken(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no form token on the page');
  return m[1];
}

/** the banner's notification value, or null */
export function bannerOf(html: string): string | null {
  return /data-notification="([^"]+)"/.exec(html)?.[1] ?? null;
}

export function bannerTitle(html: string): string | null {
  return /<p class="banner-title">([^<]*)<\/p>/.exec(html)?.[1] ?? null;
}

/** whether a new connection to `url`'s address is refused (nothing listens there) */
export function connectionRefused(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}
