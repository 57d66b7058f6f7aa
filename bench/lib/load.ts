/**
 * A small closed-loop HTTP load generator for loopback benchmarks (node:http with a keep-alive agent, so the
 * numbers measure the server rather than connection set-up). Bounded by request count; targets 127.0.0.1 only.
 */
import http from 'node:http';

export interface HttpReply {
  status: number;
  body: string;
}

export function httpGet(agent: http.Agent, url: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
  });
}

export interface LoadResult {
  total: number;
  elapsedMs: number;
  rps: number;
  statuses: Map<number, number>;
  /** Network-level failures (connection refused/reset, timeouts). */
  errors: number;
  /** Per-request latency in ms, sorted ascending. */
  latencies: number[];
}

export interface LoadOptions {
  concurrency: number;
  total: number;
  url: (i: number) => string;
  headers?: Record<string, string>;
  agent?: http.Agent;
  onReply?: (i: number, reply: HttpReply) => void;
}

/** `concurrency` workers issue `total` GETs between them, each starting the next request as soon as one ends. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = options.agent ?? new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= options.total) return;
      const t0 = process.hrtime.bigint();
      try {
        const reply = await httpGet(agent, options.url(i), options.headers);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        options.onReply?.(i, reply);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.total) }, worker));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (!options.agent) agent.destroy();
  latencies.sort((a, b) => a - b);
  return { total: options.total, elapsedMs, rps: (options.total / elapsedMs) * 1000, statuses, errors, latencies };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function statusSummary(statuses: Map<number, number>): string {
  return [...statuses.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
}
