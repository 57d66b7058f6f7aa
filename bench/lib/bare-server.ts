/**
 * Baseline for the engine benchmark: a bare `node:http` server answering a small JSON body, run in its own
 * process like the engine. Prints `listening on <url>`; stops on SIGTERM/SIGINT.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let n = 0;
/** `/sized/<bytes>`: a pre-built JSON body of that size, the floor for sending a large catalog (built once per size) */
const sized = new Map<number, Buffer>();
function sizedBody(bytes: number): Buffer {
  let body = sized.get(bytes);
  if (body === undefined) {
    // `{"filler":""}` is 13 bytes; the filler makes up the rest
    body = Buffer.from(`{"filler":"${'x'.repeat(Math.max(0, bytes - 13))}"}`);
    sized.set(bytes, body);
  }
  return body;
}
const server = http.createServer((req, res) => {
  n += 1;
  const m = /^\/sized\/(\d{1,9})/.exec(req.url ?? '');
  if (m !== null) {
    const body = sizedBody(Number(m[1]));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
    return;
  }
  const body = JSON.stringify({
    name: `bare-portal-w01-s${String(n).padStart(3, '0')}`,
    user: 'bare-user',
    url: req.url ?? '/',
    environment: 'bare-portal-w01',
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
const stop = (): void => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
