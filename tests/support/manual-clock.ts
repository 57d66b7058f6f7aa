/**
 * A clock for the engine (`startEngine({clock})`) that moves only when a test says so: `advance(ms)` runs every
 * timer that falls due on the way, in order, so a 2 s expiry or the 15 s reconcile takes no real time.
 */
import type { Clock } from '../../electron/engine/index';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
  /** repeat interval, for `every` */
  every: number | null;
}

export class ManualClock implements Clock {
  private t: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    return this.add(this.t + Math.max(0, ms), fn, null);
  }

  every(ms: number, fn: () => void): () => void {
    return this.add(this.t + ms, fn, ms);
  }

  /** Moves time forward by `ms`, running each timer at its due time. */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.t = Math.max(this.t, due.at);
      if (due.every !== null) due.at += due.every;
      else this.timers = this.timers.filter((x) => x !== due);
      due.fn();
    }
    this.t = target;
  }

  /** Moves time back (a system clock set back by NTP); timers keep their due times. */
  rewind(ms: number): void {
    this.t -= ms;
  }

  /** timers still scheduled (0 after the engine closed means it left nothing running) */
  get pending(): number {
    return this.timers.length;
  }

  private add(at: number, fn: () => void, every: number | null): () => void {
    const timer = { id: this.nextId++, at, fn, every };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }
}
