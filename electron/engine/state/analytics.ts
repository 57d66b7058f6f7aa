import { formatIsoTimestamp } from '../domain/datetime';

/**
 * Analytics webhooks: JSON POSTs with a 2.5 s timeout, sent in the background from a bounded
 * queue so that a slow or dead receiver never blocks or fails a request. Only the host of a failing URL is
 * logged: a webhook URL may carry a secret in its path or query.
 */
export interface AnalyticsMessage {
  portal: { name: string; uid?: string; generation?: number; url: string };
  event: {
    name: string;
    timestamp: string;
    user?: string | null;
    session?: string | null;
    environment?: string | null;
    workshop?: string | null;
    data: Record<string, unknown>;
  };
}

/** One event as the portal records it (times in ms). */
export interface AnalyticsEvent {
  name: string;
  timestamp: number;
  user: string | null;
  session: string | null;
  environment: string | null;
  workshop: string | null;
  data: Record<string, unknown>;
}

/**
 * The webhook message of `report_analytics_event`: by the event name's prefix, a user event
 * (portal name and url, event user), an environment event (no user or session; `workshop` is the published
 * name, the alias if set) or a session event. Timestamps are Python's `isoformat()` of an aware UTC time.
 */
export function analyticsMessage(
  portal: { name: string; uid: string; generation: number; url: string },
  e: AnalyticsEvent,
): AnalyticsMessage {
  const timestamp = formatIsoTimestamp(e.timestamp);
  if (e.name.startsWith('User/')) {
    return {
      portal: { name: portal.name, url: portal.url },
      event: { name: e.name, timestamp, user: e.user, data: e.data },
    };
  }
  if (e.name.startsWith('Environment/')) {
    return {
      portal,
      event: { name: e.name, timestamp, environment: e.environment, workshop: e.workshop, data: e.data },
    };
  }
  return {
    portal,
    event: {
      name: e.name,
      timestamp,
      user: e.user,
      session: e.session,
      environment: e.environment,
      workshop: e.workshop,
      data: e.data,
    },
  };
}

const MAX_QUEUE = 1000;
/** per destination, so that one dead or hanging receiver cannot hold up deliveries to the others */
const PER_URL_CONCURRENCY = 2;
const TOTAL_CONCURRENCY = 16;
const TIMEOUT_MS = 2500;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

interface Destination {
  queue: string[];
  inFlight: number;
}

export class AnalyticsSender {
  private readonly destinations = new Map<string, Destination>();
  private queued = 0;
  private inFlight = 0;
  private dropped = 0;
  private closed = false;
  private readonly controllers = new Set<AbortController>();

  constructor(private readonly log: (line: string) => void) {}

  send(urls: (string | null)[], message: AnalyticsMessage): void {
    if (this.closed) return;
    const targets = urls.filter((u): u is string => u !== null && u !== '');
    if (targets.length === 0) return;
    const body = JSON.stringify(message);
    for (const url of new Set(targets)) {
      if (this.queued >= MAX_QUEUE) {
        this.dropped += 1;
        if (this.dropped === 1 || this.dropped % 1000 === 0)
          this.log(`analytics: queue full, dropped ${this.dropped} event(s)`);
        continue;
      }
      let dest = this.destinations.get(url);
      if (dest === undefined) {
        dest = { queue: [], inFlight: 0 };
        this.destinations.set(url, dest);
      }
      dest.queue.push(body);
      this.queued += 1;
    }
    this.pump();
  }

  private pump(): void {
    let progressed = true;
    while (!this.closed && progressed && this.inFlight < TOTAL_CONCURRENCY) {
      progressed = false;
      for (const [url, dest] of this.destinations) {
        if (this.inFlight >= TOTAL_CONCURRENCY) break;
        if (dest.inFlight >= PER_URL_CONCURRENCY) continue;
        const body = dest.queue.shift();
        if (body === undefined) {
          if (dest.inFlight === 0) this.destinations.delete(url);
          continue;
        }
        progressed = true;
        this.queued -= 1;
        this.inFlight += 1;
        dest.inFlight += 1;
        void this.deliver(url, body).finally(() => {
          this.inFlight -= 1;
          dest.inFlight -= 1;
          this.pump();
        });
      }
    }
  }

  private async deliver(url: string, body: string): Promise<void> {
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: controller.signal,
        redirect: 'manual',
      });
      await res.body?.cancel();
      if (!res.ok && !this.closed) this.log(`analytics: webhook at ${hostOf(url)} answered ${res.status}`);
    } catch (err) {
      if (!this.closed) {
        const reason = controller.signal.aborted ? 'timed out after 2.5 s' : err instanceof Error ? err.name : 'failed';
        this.log(`analytics: webhook at ${hostOf(url)} ${reason}`);
      }
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }

  close(): void {
    this.closed = true;
    this.destinations.clear();
    this.queued = 0;
    for (const c of this.controllers) c.abort();
  }
}
