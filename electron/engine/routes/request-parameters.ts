import { randomInt } from 'node:crypto';
import { randomAlphanumeric } from '../config/credentials';
import type { RequestParameter } from '../domain/portal-config';

/** Resolves request parameters against the Workshop's declared ones. */
export function resolveParameters(
  declared: RequestParameter[],
  supplied: { name: string; value: string }[],
): { name: string; value: string }[] {
  const given = new Map(supplied.map((p) => [p.name, p.value]));
  return declared.map((d) => {
    const value = given.get(d.name);
    if (value !== undefined) return { name: d.name, value };
    if (d.generate === 'expression' && d.from !== null) return { name: d.name, value: generateFromPattern(d.from) };
    return { name: d.name, value: d.value };
  });
}

/**
 * A random value for `generate: expression`. Supports the patterns workshops use in practice: a sequence of
 * literal characters and `[classes]` with optional `{n}` counts, e.g. `[a-z0-9]{8}`. Anything else falls back
 * to 16 random letters and digits.
 */
export function generateFromPattern(pattern: string): string {
  const re = /\[([^\]]+)\](?:\{(\d+)\})?|\\(.)|([^[\\{}()*+?|^$.])(?:\{(\d+)\})?/gy;
  let out = '';
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(pattern)) !== null) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) {
      const chars = expandClass(m[1]);
      const n = Math.min(Number(m[2] ?? '1'), 256);
      for (let i = 0; i < n; i++) out += chars.charAt(randomInt(chars.length));
    } else if (m[3] !== undefined) {
      out += m[3];
    } else if (m[4] !== undefined) {
      out += m[4].repeat(Math.min(Number(m[5] ?? '1'), 256));
    }
  }
  if (consumed !== pattern.length || out === '') return randomAlphanumeric(16);
  return out;
}

function expandClass(body: string): string {
  let chars = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (body.charAt(i + 1) === '-' && i + 2 < body.length) {
      const from = c.charCodeAt(0);
      const to = body.charCodeAt(i + 2);
      for (let k = from; k <= to && chars.length < 512; k++) chars += String.fromCharCode(k);
      i += 2;
    } else chars += c;
  }
  return chars === '' ? 'x' : chars;
}
