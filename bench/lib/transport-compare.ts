/**
 * bench:console (3): the portal transport (node:http with a keep-alive agent) against undici's Pool, in the same
 * run, on the same catalog: CPU time of this process per catalog read, received into a reused buffer as the
 * console does. Reads alternate between the two in blocks, so a change of the machine's load hits both alike.
 */
import type { PortalResponse } from '../../electron/services/portal-errors';
import { PortalTransport, type Receiver } from '../../electron/services/portal-transport';
import { UndiciTransport } from './undici-transport';

interface Exchanger {
  exchange(
    method: 'GET',
    path: string,
    headers: Record<string, string>,
    body?: string,
    receiver?: Receiver,
  ): Promise<PortalResponse>;
}

export interface TransportFigures {
  bytes: number;
  reads: number;
  nodeHttpCpuMs: number;
  undiciCpuMs: number;
  nodeHttpWallMs: number;
  undiciWallMs: number;
}

/** `concurrency` reads at a time (the monitor's 20 portals overlap theirs), `blocks` × `perBlock` reads each */
export async function compareTransports(
  baseUrl: string,
  token: string,
  path: string,
  options: { blocks?: number; perBlock?: number; concurrency?: number } = {},
): Promise<TransportFigures> {
  const blocks = options.blocks ?? 10;
  const perBlock = options.perBlock ?? 40;
  const concurrency = options.concurrency ?? 4;
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  const nodeHttp = new PortalTransport({ baseUrl, timeoutMs: 30_000, now: Date.now });
  const undici = new UndiciTransport(baseUrl, 30_000);
  const receivers = Array.from({ length: concurrency }, (): Receiver => ({ buffer: null }));
  let bytes = 0;
  const run = async (t: Exchanger, reads: number) => {
    let next = 0;
    const worker = async (receiver: Receiver) => {
      while (next++ < reads) {
        const res = await t.exchange('GET', path, headers, undefined, receiver);
        if (res.status !== 200) throw new Error(`catalog read answered ${res.status}`);
        bytes = res.body.length;
      }
    };
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await Promise.all(receivers.map(worker));
    const cpu = process.cpuUsage(cpu0);
    return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - w0 };
  };
  const totals = { nodeHttpCpuMs: 0, undiciCpuMs: 0, nodeHttpWallMs: 0, undiciWallMs: 0 };
  try {
    await run(nodeHttp, 20); // warm-up: sockets open, code compiled, buffers sized
    await run(undici, 20);
    for (let b = 0; b < blocks; b++) {
      const order: [Exchanger, 'nodeHttp' | 'undici'][] =
        b % 2 === 0
          ? [
              [nodeHttp, 'nodeHttp'],
              [undici, 'undici'],
            ]
          : [
              [undici, 'undici'],
              [nodeHttp, 'nodeHttp'],
            ];
      for (const [t, name] of order) {
        const r = await run(t, perBlock);
        totals[`${name}CpuMs`] += r.cpuMs;
        totals[`${name}WallMs`] += r.wallMs;
      }
    }
  } finally {
    nodeHttp.close();
    await undici.close();
  }
  const reads = blocks * perBlock;
  return {
    bytes,
    reads,
    nodeHttpCpuMs: totals.nodeHttpCpuMs / reads,
    undiciCpuMs: totals.undiciCpuMs / reads,
    nodeHttpWallMs: totals.nodeHttpWallMs / reads,
    undiciWallMs: totals.undiciWallMs / reads,
  };
}
