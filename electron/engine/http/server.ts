import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { applyLimits, serverOptions, type HttpLimits } from './limits';
import { text, type Reply } from './reply';
import { requestFromNode, type EngineRequest } from './request';

/** How the engine answers a request once it is ready (routes/dispatch.ts `respond`). */
export type Responder = (req: EngineRequest) => Promise<Reply>;

/** The server and its gate: requests wait until the engine is ready (`open`) and are dropped if it never is. */
export interface EngineServer {
  server: Server;
  open(respond: Responder): void;
  fail(): void;
}

/** requests held while the engine starts (it listens first, then loads its state); beyond this: 503 */
const MAX_HELD = 1000;

/** Writes a reply; a large body is encoded once (a 2 MB catalog would otherwise be walked twice). */
function write(res: ServerResponse, reply: Reply): void {
  if (reply.onSent !== undefined) res.once('close', reply.onSent);
  if (res.destroyed) {
    reply.onSent?.();
    return;
  }
  const body =
    typeof reply.body === 'string' && reply.body.length > 4096 ? Buffer.from(reply.body, 'utf8') : reply.body;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(reply.status, { ...reply.headers, 'content-length': length });
  res.end(body);
}

/** The Node side of the engine: no routing, no state, only requests in and replies out, within `limits`. */
export function createEngineServer(log: (line: string) => void, limits: HttpLimits): EngineServer {
  let responder: Responder | null = null;
  let failed = false;
  const held: [IncomingMessage, ServerResponse][] = [];
  const serve = (respond: Responder, req: IncomingMessage, res: ServerResponse): void => {
    respond(requestFromNode(req, limits.maxBodyBytes)).then(
      (reply) => write(res, reply),
      () => res.destroy(),
    );
  };
  const server = createServer(serverOptions(limits), (req, res) => {
    if (responder !== null) serve(responder, req, res);
    else if (failed) res.destroy();
    else if (held.length >= MAX_HELD) write(res, text(503, 'The portal is starting', { 'retry-after': '1' }));
    else held.push([req, res]);
  });
  applyLimits(server, limits, log);
  return {
    server,
    open(respond) {
      responder = respond;
      for (const [req, res] of held.splice(0)) serve(respond, req, res);
    },
    fail() {
      failed = true;
      for (const [, res] of held.splice(0)) res.destroy();
    },
  };
}
