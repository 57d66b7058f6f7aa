import { listenOnKept } from './listen';
import type { CheckinStore } from './checkin-store';
import { startPortalGate, type PortalGate } from './portal-gate';

interface Held {
  gate: Promise<PortalGate>;
  /** the check-in pages using it (event id → page URL) */
  users: Map<string, string>;
}

/**
 * The built-in portal's gates, one per shared address, open while at least one event's check-in page on that
 * address uses them. Each keeps its port (the engine's own port number at first), so attendees' open session
 * pages still reach the engine after a restart of the console.
 */
export class Gates {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly o: {
      store: CheckinStore;
      engineUrl: string;
      log: (line: string) => void;
    },
  ) {}

  /** the gate's origin on `address` (opened if needed) for this event's page at `pageUrl` */
  async acquire(address: string, eventId: string, pageUrl: string): Promise<string> {
    let h = this.held.get(address);
    if (!h) {
      const users = new Map<string, string>();
      const kept = this.o.store.gatePort(address) ?? Number(new URL(this.o.engineUrl).port);
      const gate = listenOnKept(kept, (port) =>
        startPortalGate({
          address,
          port,
          engineUrl: this.o.engineUrl,
          // with one event's page on this address, `/` leads there; with several, to none of them (no listing)
          home: () => (users.size === 1 ? ([...users.values()][0] as string) : null),
          log: this.o.log,
        }),
      ).then(({ server }) => {
        this.o.store.putGatePort(address, server.port);
        return server;
      });
      h = { gate, users };
      this.held.set(address, h);
      gate.catch(() => {
        if (this.held.get(address) === h) this.held.delete(address);
      });
    }
    h.users.set(eventId, pageUrl);
    try {
      return (await h.gate).origin;
    } catch (err) {
      h.users.delete(eventId);
      throw err;
    }
  }

  async release(address: string, eventId: string): Promise<void> {
    const h = this.held.get(address);
    if (!h) return;
    h.users.delete(eventId);
    if (h.users.size > 0) return;
    this.held.delete(address);
    await h.gate.then((g) => g.close()).catch(() => undefined);
  }

  async close(): Promise<void> {
    const all = [...this.held.values()];
    this.held.clear();
    await Promise.all(all.map((h) => h.gate.then((g) => g.close()).catch(() => undefined)));
  }
}
