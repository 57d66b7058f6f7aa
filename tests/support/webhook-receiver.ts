/**
 * A loopback HTTP receiver for analytics webhooks: records every JSON POST by path. `hold: true` turns it into a
 * black hole that accepts requests and never answers until `close()`, to prove a slow webhook blocks nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './http';

export interface ReceivedPost {
  path: string;
  body: unknown;
  /** Raw body text (for bodies that are not JSON). */
  text: string;
  /** With `hold`: the sender closed the connection before any answer (it gave up on this delivery). */
  aborted: boolean;
}

export interface WebhookReceiver {
  /** Base URL, e.g. `http://127.0.0.1:41234`; append any path. */
  url: string;
  posts: ReceivedPost[];
  /** Requests received whose connection is still open (only grows with `hold`). */
  openCount(): number;
  /** Requests whose connection was closed by the client before we answered (with `hold`: the sender gave up). */
  abortedCount(): number;
  /** Waits (bounded) for a POST on `path` matching `match`, and returns it. */
  waitForPost(path: string, match: (body: unknown) => boolean, timeoutMs?: number): Promise<ReceivedPost>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { hold?: boolean } = {}): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  const held = new Set<http.ServerResponse>();
  let aborted = 0;
  let closing = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const post: ReceivedPost = { path: (req.url ?? '/').split('?')[0] ?? '/', body, text, aborted: false };
      posts.push(post);
      if (options.hold) {
        held.add(res);
        res.on('close', () => {
          if (held.delete(res) && !res.writableEnded && !closing) {
            aborted += 1;
            post.aborted = true;
          }
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    openCount: () => held.size,
    abortedCount: () => aborted,
    waitForPost(path, match, timeoutMs = 5_000) {
      return waitFor(() => posts.find((p) => p.path === path && match(p.body)), {
        timeoutMs,
        message: `webhook POST on ${path} not received`,
      });
    },
    async close() {
      closing = true;
      for (const res of held) {
        held.delete(res);
        res.destroy();
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
