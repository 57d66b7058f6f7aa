/**
 * The baseline under bench:console (2): the same catalog polled the same way through the console's own transport
 * (one keep-alive connection per portal, each answer received into that portal's reused buffer), every `pollMs`,
 * with nothing else done: no sign-in, no comparison, no monitor. What the console spends above this is its own
 * work; this part is the operating system's, Node's HTTP client's and the transport's.
 */
import { PortalTransport, type Receiver } from '../../electron/services/portal-transport';

export interface CpuWindow {
  cpuMs: number;
  wallMs: number;
  polls: number;
}

export async function barePolling(
  baseUrl: string,
  token: string,
  path: string,
  options: { portals: number; pollMs: number; windowMs: number },
): Promise<CpuWindow> {
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  const portals = Array.from({ length: options.portals }, () => {
    const receiver: Receiver = { buffer: null };
    return { transport: new PortalTransport({ baseUrl, timeoutMs: 15_000, now: Date.now }), receiver };
  });
  let stop = false;
  let polls = 0;
  const loops = portals.map(async ({ transport, receiver }, k) => {
    // spread over the interval, as portals added one after the other are
    await new Promise((r) => setTimeout(r, (k * options.pollMs) / options.portals));
    while (!stop) {
      const res = await transport.exchange('GET', path, headers, undefined, receiver);
      if (res.status !== 200) throw new Error(`the catalog answered ${res.status}`);
      polls++;
      await new Promise((r) => setTimeout(r, options.pollMs));
    }
  });
  // one round first: connections open, buffers sized and code compiled, as before the console's measured window
  await new Promise((r) => setTimeout(r, options.pollMs + 200));
  const polls0 = polls;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, options.windowMs));
  const cpu = process.cpuUsage(cpu0);
  const result = { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - w0, polls: polls - polls0 };
  stop = true;
  await Promise.all(loops);
  for (const p of portals) p.transport.close();
  return result;
}
