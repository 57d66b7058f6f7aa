/**
 * The portal transport's exchange over undici's Pool, for bench:console to measure against PortalTransport
 * (node:http with a keep-alive agent) in the same run. Same contract: a timeout per request, the size bound, answers
 * received into a Receiver's buffer.
 */
import { Pool } from 'undici';
import { ConsoleError } from '../../shared/contract';
import { PortalResponse } from '../../electron/services/portal-errors';
import { MAX_BODY_BYTES, type Method, type Receiver } from '../../electron/services/portal-transport';

export class UndiciTransport {
  readonly host: string;
  private readonly pool: Pool;

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    const url = new URL(baseUrl);
    this.host = url.host;
    this.pool = new Pool(url.origin, { connections: 16, pipelining: 1 });
  }

  async exchange(method: Method, path: string, headers: Record<string, string>, body?: string, receiver?: Receiver) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    const startedAt = Date.now();
    try {
      const res = await this.pool.request({ method, path, headers, body: body ?? null, signal: abort.signal });
      const declared = Number(res.headers['content-length']);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          res.body.destroy();
          throw new ConsoleError(
            'bad-response',
            `${this.host} sent an answer larger than ${MAX_BODY_BYTES / 1_000_000} MB`,
          );
        }
        if (!receiver) {
          chunks.push(chunk);
          continue;
        }
        let into = receiver.buffer;
        if (!into || into.length < size) {
          const want = Math.min(MAX_BODY_BYTES, Math.max(size, Number.isSafeInteger(declared) ? declared : 2 * size));
          const grown = Buffer.allocUnsafeSlow(want + (want >> 3));
          if (into) into.copy(grown, 0, 0, size - chunk.length);
          receiver.buffer = into = grown;
        }
        chunk.copy(into, size - chunk.length);
      }
      const data = receiver ? (receiver.buffer ?? Buffer.alloc(0)).subarray(0, size) : Buffer.concat(chunks, size);
      const date = res.headers['date'];
      return new PortalResponse(res.statusCode, data, typeof date === 'string' ? date : null, startedAt, Date.now());
    } catch (err) {
      if (err instanceof ConsoleError) throw err;
      if (abort.signal.aborted) throw new ConsoleError('portal-timeout', `${this.host} did not answer in time`);
      throw new ConsoleError('portal-unreachable', `portal unreachable: ${this.host}`);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
