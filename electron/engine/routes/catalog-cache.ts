import { ENVIRONMENT_STATE_NAMES, type EnvironmentRecord, type SessionRecord } from '../domain/model';
import type { PortalStore } from '../state/store';
import type { Views } from './views';

/**
 * The catalog's body kept serialized, so that `GET /workshops/catalog/environments/?sessions=true` over 10,000
 * live sessions costs a copy and a patch instead of building 2 MB of JSON. Each environment's part is a buffer
 * rebuilt only when the environment's revision moves (the store bumps it on every change of the environment or of
 * one of its sessions). Two fields of a session depend on the time of the request, `countdown` and `extendable`:
 * they are written into fixed-width slots, `"countdown":1234      ,"extendable":true }`, which each request fills
 * in. The padding is JSON whitespace, so the body parses exactly as the compact one would.
 */

/** digits of the widest countdown a slot holds (about 317 years); a longer one makes the request build the body */
const COUNTDOWN_WIDTH = 10;
const EXTENDABLE_WIDTH = 5;
const SPACE = 0x20;

interface Segment {
  revision: number;
  withSessions: boolean;
  bytes: Buffer;
  /** the sessions with an expiry, and the byte offset of their countdown slot in `bytes` */
  slotted: SessionRecord[];
  offsets: number[];
}

const TRUE = [...Buffer.from('true ')];
const FALSE = [...Buffer.from('false')];

/**
 * Writes `n` (a non-negative integer) left-aligned into `width` bytes at `at`, padded with spaces. Byte by byte:
 * `fill` and `copy` are calls into C++ that cost more than the ten stores they would save.
 */
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

export class CatalogCache {
  private readonly segments = new WeakMap<EnvironmentRecord, Segment>();

  constructor(private readonly views: Views) {}

  /**
   * The body for these environments (already chosen and in order), or null when a countdown does not fit its slot
   * (the caller then builds it the ordinary way).
   */
  body(store: PortalStore, envs: EnvironmentRecord[], withSessions: boolean, now: number): Buffer | null {
    const head = Buffer.from(`{"portal":${this.views.portalJson(store)},"environments":[`);
    const parts: Buffer[] = [head];
    const bases: { segment: Segment; base: number }[] = [];
    let length = head.length;
    for (let i = 0; i < envs.length; i++) {
      const segment = this.segment(envs[i] as EnvironmentRecord, withSessions);
      if (i > 0) {
        parts.push(COMMA);
        length += 1;
      }
      bases.push({ segment, base: length });
      parts.push(segment.bytes);
      length += segment.bytes.length;
    }
    parts.push(TAIL);
    const out = Buffer.concat(parts, length + TAIL.length);
    for (const { segment, base } of bases) {
      const { slotted, offsets } = segment;
      for (let k = 0; k < slotted.length; k++) {
        const s = slotted[k] as SessionRecord;
        const at = base + (offsets[k] as number);
        const countdown = Math.max(0, Math.floor(((s.expiresAt as number) - now) / 1000));
        if (!writeNumber(out, at, COUNTDOWN_WIDTH, countdown)) return null;
        writeBytes(out, at + COUNTDOWN_WIDTH + EXTENDABLE_PREFIX.length, this.views.extendable(s, now) ? TRUE : FALSE);
      }
    }
    return out;
  }

  private segment(env: EnvironmentRecord, withSessions: boolean): Segment {
    const cached = this.segments.get(env);
    if (cached !== undefined && cached.revision === env.revision && cached.withSessions === withSessions) return cached;
    const pieces: string[] = [
      `{"name":${JSON.stringify(env.name)},"state":"${ENVIRONMENT_STATE_NAMES[env.state]}","workshop":${this.views.catalogWorkshopJson(env)},` +
        `"duration":${env.durationS},"capacity":${env.capacity},"reserved":${env.reserved},"allocated":${env.allocated.size},"available":${env.available.size}`,
    ];
    const slotted: SessionRecord[] = [];
    const offsets: number[] = [];
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
        pieces.push(head, SLOTS);
        length += Buffer.byteLength(head);
        slotted.push(s);
        offsets.push(length);
        length += SLOTS.length;
      }
      pieces.push(']');
      length += 1;
    }
    pieces.push('}');
    length += 1;
    const bytes = Buffer.from(pieces.join(''));
    if (bytes.length !== length) throw new Error('catalog cache: a segment is not as long as measured');
    const segment: Segment = { revision: env.revision, withSessions, bytes, slotted, offsets };
    this.segments.set(env, segment);
    return segment;
  }
}

const COMMA = Buffer.from(',');
const TAIL = Buffer.from(']}');
const EXTENDABLE_PREFIX = ',"extendable":';
/** the countdown slot, `,"extendable":`, the extendable slot and the session's closing brace */
const SLOTS = `${' '.repeat(COUNTDOWN_WIDTH)}${EXTENDABLE_PREFIX}${' '.repeat(EXTENDABLE_WIDTH)}}`;
