import type { Catalog } from './portal-schemas';
import type { Receiver } from './portal-transport';

const COUNTDOWN = Buffer.from('"countdown":');

function skipNumber(buf: Buffer, k: number): number {
  let i = k;
  while (i < buf.length) {
    const c = buf[i] as number;
    if (c !== 0x20 && c !== 0x2d && (c < 0x30 || c > 0x39)) break;
    i++;
  }
  return i;
}

/** where `"countdown":` starts in a JSON body, in order */
export function countdownOffsets(body: Buffer): Int32Array {
  const found: number[] = [];
  for (let i = body.indexOf(COUNTDOWN); i >= 0; i = body.indexOf(COUNTDOWN, i + COUNTDOWN.length)) found.push(i);
  return Int32Array.from(found);
}

/**
 * true when two JSON bodies are byte-identical except for the numbers after "countdown": (no copies made).
 * `aCountdowns` (from `countdownOffsets(a)`) lets the previous answer's positions be found once, not on every poll:
 * `b` is never searched, only compared. A `"countdown":` in `b` that `a` does not have at the same place lies inside
 * a compared run, so it is a difference too.
 *
 * `a` is the cache's own copy of the previous answer, only ever compared against: on the way, each of b's countdown
 * numbers is written into `a` where it has the same width as a's (which keeps every offset in `a` valid), so the
 * bytes between countdowns are compared in a few long runs rather than one short comparison per session. Each
 * comparison is a call into native code; with a thousand sessions, a thousand calls cost several times the bytes
 * they compare. A countdown that changed width (999 after 1000) ends a run there.
 */
export function sameIgnoringCountdown(a: Buffer, b: Buffer, aCountdowns: Int32Array = countdownOffsets(a)): boolean {
  let i = 0; // where a's current run starts
  let j = 0; // the same place in b
  let endA = 0;
  let endB = 0;
  for (const at of aCountdowns) {
    // a[i, at + 12) against b at the same distance: the bytes before this countdown and its `"countdown":`
    const numberA = at + COUNTDOWN.length;
    const numberB = endB + (numberA - endA);
    if (numberB > b.length) return false;
    endA = skipNumber(a, numberA);
    endB = skipNumber(b, numberB);
    if (endA - numberA === endB - numberB) {
      for (let k = 0; k < endA - numberA; k++) a[numberA + k] = b[numberB + k] as number;
    } else {
      if (a.compare(b, j, numberB, i, numberA) !== 0) return false;
      i = endA;
      j = endB;
    }
  }
  return a.length - i === b.length - j && a.compare(b, j, b.length, i, a.length) === 0;
}

/** One catalog read under way: where its answer is received, and how an unchanged answer is recognised. */
export interface CatalogRead {
  readonly path: string;
  readonly receiver: Receiver;
  /** the parsed catalog of the previous answer when `body` equals it but for countdowns, else null */
  reuse(body: Buffer): Catalog | null;
}

/**
 * The last catalog answer of one portal, to recognise the next one unchanged. A busy event's catalog is hundreds of
 * kilobytes polled every few seconds; when only the countdowns moved, parsing and validating it again is waste.
 *
 * Answers are also received into a buffer kept from an earlier answer rather than a fresh one each poll: with many
 * portals, that churn of external memory set off full garbage collections (with every portal's parsed catalog to
 * mark) every few seconds. A replaced answer's buffer is reused only when no other read of the portal may still
 * compare with it (a probe or a bulk action can overlap a poll).
 */
export class CatalogCache {
  private last: { path: string; body: Buffer; countdowns: Int32Array; data: Catalog; storage: Buffer | null } | null =
    null;
  /** a buffer the next answer can be received into (the replaced answer's, or an unchanged one's) */
  private spare: Buffer | null = null;
  private reads = 0;

  begin(path: string): CatalogRead {
    const last = this.last?.path === path ? this.last : null;
    // Taken, not shared: another read may run at the same time.
    const receiver: Receiver = { buffer: this.spare };
    this.spare = null;
    this.reads++;
    return {
      path,
      receiver,
      reuse: (body) => (last && sameIgnoringCountdown(last.body, body, last.countdowns) ? last.data : null),
    };
  }

  /** a new answer (`body` and its parse) becomes the one to compare with; null: unchanged, or the read failed */
  end(read: CatalogRead, changed: { body: Buffer; data: Catalog } | null): void {
    this.reads--;
    if (!changed) {
      this.spare = read.receiver.buffer; // nothing refers to these bytes any more
      return;
    }
    const replaced = this.last;
    this.last = {
      path: read.path,
      body: changed.body,
      countdowns: countdownOffsets(changed.body),
      data: changed.data,
      storage: read.receiver.buffer,
    };
    // The replaced answer's buffer can take the next one, unless a read still in flight is to be compared with it.
    if (this.reads === 0) this.spare = replaced?.storage ?? null;
  }
}
