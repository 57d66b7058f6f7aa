import { ENVIRONMENT_STATE_NAMES, type EnvironmentRecord, type SessionRecord } from '../domain/model';
import type { PortalStore } from '../state/store';
import type { Views } from './views';

/**
 * The catalog's body kept serialized, so that `GET /workshops/catalog/environments/?sessions=true` over 10,000
 * live sessions costs a copy and a patch instead of building 2 MB of JSON. Each environment's part is a buffer
 * rebuilt only when the environment's revision moves (the store bumps it on every change of the environment or of
 * one of its sessions). Two fields of a session depend on the time of the request, `countdown` and `extendable`:
 * they are written into fixed-width slots, `"countdown":1234      ,"extendable":true }`, which each request fills
 * in. The padding is JSON whitespace, so the body parses exactly as the compact one would. A countdown slot is as
 * wide as the countdown was when the part was built: countdowns only shrink until the session changes (which
 * rebuilds the part), so the padding stays a byte or two.
 */

const EXTENDABLE_WIDTH = 5;
const SPACE = 0x20;

interface Segment {
  env: EnvironmentRecord;
  revision: number;
  withSessions: boolean;
  bytes: Buffer;
  /** the sessions with an expiry, the byte offset of their countdown slot in `bytes`, and its width */
  slotted: SessionRecord[];
  offsets: number[];
  widths: number[];
  /** whether `extendable` can change before the session does (else it is written once, at build) */
  moving: boolean[];
  /** the countdown each slot holds now (-1: none yet) */
  written: Int32Array;
}

const TRUE = [...Buffer.from('true ')];
const FALSE = [...Buffer.from('false')];

/**
 * Writes `n` (a non-negative integer) left-aligned into `width` bytes at `at`, padded with spaces. Byte by byte:
 * `fill` and `copy` are calls into C++ that cost more than the ten stores they would save.
 */
function digitsOf(n: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits += 1;
  return digits;
}

function writeNumber(buf: Buffer, at: number, width: number, n: number): boolean {
  // small integers (`| 0`) keep the arithmetic in registers; a countdown past 2^31 s (68 years) is built instead
  if (n > 0x7fffffff) return false;
  let digits = 1;
  for (let x = n | 0; x >= 10; x = (x / 10) | 0) digits += 1;
  if (digits > width) return false;
  let x = n | 0;
  for (let i = digits - 1; i >= 0; i--) {
    buf[at + i] = 0x30 + (x % 10);
    x = (x / 10) | 0;
  }
  for (let i = at + digits; i < at + width; i++) buf[i] = SPACE;
  return true;
}

function writeBytes(buf: Buffer, at: number, bytes: readonly number[]): void {
  for (let i = 0; i < bytes.length; i++) buf[at + i] = bytes[i] as number;
}

/** reusable body buffers kept */
const MAX_FREE_BUFFERS = 2;

export class CatalogCache {
  private readonly segments = new WeakMap<EnvironmentRecord, Segment>();
  private readonly free: Buffer[] = [];

  constructor(private readonly views: Views) {}

  /**
   * The body for these environments (already chosen and in order), or null when a countdown does not fit its slot
   * (the caller then builds it the ordinary way).
   */
  body(
    store: PortalStore,
    envs: EnvironmentRecord[],
    withSessions: boolean,
    now: number,
  ): { body: Buffer; release: () => void } | null {
    const head = Buffer.from(`{"portal":${this.views.portalJson(store)},"environments":[`);
    const segments: Segment[] = [];
    let length = head.length + TAIL.length + Math.max(0, envs.length - 1);
    for (const env of envs) {
      const segment = this.segment(env, withSessions, now);
      // patched in place: a countdown is written only when it moved, so a request a few milliseconds after the
      // previous one writes a handful of slots, not 10,000
      if (!this.patch(segment, now)) {
        this.segments.delete(env);
        return null;
      }
      segments.push(segment);
      length += segment.bytes.length;
    }
    // the reply gets a copy (a request may patch while an earlier reply is still being sent). A 2 MB buffer per
    // request is garbage V8 has to account for, which brings on collections of the whole heap (and their pauses),
    // so a few are reused, each only once the server is done sending it.
    const buffer = this.take(length);
    let at = head.copy(buffer, 0);
    segments.forEach((segment, i) => {
      if (i > 0) at += COMMA.copy(buffer, at);
      at += segment.bytes.copy(buffer, at);
    });
    TAIL.copy(buffer, at);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      if (this.free.length < MAX_FREE_BUFFERS) this.free.push(buffer);
    };
    return { body: buffer.subarray(0, length), release };
  }

  /** Brings a part's slots up to `now`; false when a countdown no longer fits its slot (the clock went back). */
  private patch(segment: Segment, now: number): boolean {
    const { bytes, slotted, offsets, widths, moving, written } = segment;
    for (let k = 0; k < slotted.length; k++) {
      const s = slotted[k] as SessionRecord;
      const countdown = Math.max(0, Math.floor(((s.expiresAt as number) - now) / 1000));
      const slot = offsets[k] as number;
      const width = widths[k] as number;
      if (countdown !== written[k]) {
        if (!writeNumber(bytes, slot, width, countdown)) return false;
        written[k] = countdown;
      }
      if (moving[k] === true)
        writeBytes(bytes, slot + width + EXTENDABLE_PREFIX.length, this.views.extendable(s, now) ? TRUE : FALSE);
    }
    return true;
  }

  /** A free buffer of at least `length` bytes (with room to grow), or a new one. */
  private take(length: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= length);
    if (i >= 0) return this.free.splice(i, 1)[0] as Buffer;
    return Buffer.allocUnsafeSlow(Math.ceil(length * 1.25));
  }

  private segment(env: EnvironmentRecord, withSessions: boolean, now: number): Segment {
    const cached = this.segments.get(env);
    if (cached !== undefined && cached.revision === env.revision && cached.withSessions === withSessions) return cached;
    const pieces: string[] = [
      `{"name":${JSON.stringify(env.name)},"state":"${ENVIRONMENT_STATE_NAMES[env.state]}",` +
        `"workshop":${this.views.catalogWorkshopJson(env)},` +
        `"duration":${env.durationS},"capacity":${env.capacity},"reserved":${env.reserved},` +
        `"allocated":${env.allocated.size},"available":${env.available.size}`,
    ];
    const slotted: SessionRecord[] = [];
    const offsets: number[] = [];
    const widths: number[] = [];
    const moving: boolean[] = [];
    let length = Buffer.byteLength(pieces[0] as string);
    if (withSessions) {
      pieces.push(',"sessions":[');
      length += 13;
      let first = true;
      for (const s of env.allocated) {
        if (!first) {
          pieces.push(',');
          length += 1;
        }
        first = false;
        // without an expiry the head is the whole object; with one it ends with `"countdown":` and the slots follow
        const head = this.views.sessionHead(s);
        if (s.expiresAt === null) {
          pieces.push(head);
          length += Buffer.byteLength(head);
          continue;
        }
        const width = digitsOf(Math.max(0, Math.floor((s.expiresAt - now) / 1000)));
        // a session not running, or past what its deadline allows, stays not extendable until it changes
        const changes = this.views.mayBecomeExtendable(s);
        const slots = `${' '.repeat(width)}${EXTENDABLE_PREFIX}${changes ? ' '.repeat(EXTENDABLE_WIDTH) : 'false'}}`;
        moving.push(changes);
        pieces.push(head, slots);
        length += Buffer.byteLength(head);
        slotted.push(s);
        offsets.push(length);
        widths.push(width);
        length += slots.length;
      }
      pieces.push(']');
      length += 1;
    }
    pieces.push('}');
    length += 1;
    const bytes = Buffer.from(pieces.join(''));
    if (bytes.length !== length) throw new Error('catalog cache: a segment is not as long as measured');
    const written = new Int32Array(slotted.length).fill(-1);
    const segment: Segment = {
      env,
      revision: env.revision,
      withSessions,
      bytes,
      slotted,
      offsets,
      widths,
      moving,
      written,
    };
    this.segments.set(env, segment);
    return segment;
  }
}

const COMMA = Buffer.from(',');
const TAIL = Buffer.from(']}');
const EXTENDABLE_PREFIX = ',"extendable":';
