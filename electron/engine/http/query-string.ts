/**
 * Query strings. Most portal views read Django's `request.GET` (application/x-www-form-urlencoded rules:
 * `+` is a space). The catalog views parse the query string by hand: split on `&` and `=`, then `unquote`
 * (so `+` stays `+`). The real portal answers a malformed item there with a 500; we answer 400 instead.
 */
export type QueryParams = Map<string, string[]>;

export class QueryStringError extends Error {}

function decode(text: string, plusIsSpace: boolean): string {
  const s = plusIsSpace ? text.replace(/\+/g, ' ') : text;
  try {
    return decodeURIComponent(s);
  } catch {
    // Python's unquote leaves invalid escapes as they are instead of failing.
    return s.replace(/%([0-9a-fA-F]{2})/g, (m, hex: string) => {
      const code = Number.parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : m;
    });
  }
}

function add(out: QueryParams, key: string, value: string): void {
  const list = out.get(key);
  if (list === undefined) out.set(key, [value]);
  else list.push(value);
}

/** Django `QueryDict` semantics: blank items skipped, a key without `=` has the value "". */
export function parseFormQuery(query: string): QueryParams {
  const out: QueryParams = new Map();
  if (query === '') return out;
  for (const item of query.split(/[&;]/)) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? '' : item.slice(eq + 1);
    add(out, decode(key, true), decode(value, true));
  }
  return out;
}

/**
 * The catalog's hand parser: blank items skipped, an item without `=` gets an empty value, and an item with
 * more than one `=` is refused (the real portal's tuple unpacking fails there with a 500).
 */
export function parseCatalogQuery(query: string): QueryParams {
  const out: QueryParams = new Map();
  if (query === '') return out;
  for (const item of query.split('&')) {
    if (item === '') continue;
    const parts = item.split('=');
    if (parts.length > 2) {
      throw new QueryStringError(
        `Malformed query string parameter "${item.slice(0, 100)}": ` +
          'expected key=value with "=" in values encoded as %3D',
      );
    }
    add(out, decode(parts[0] ?? '', false), decode(parts[1] ?? '', false));
  }
  return out;
}

export function first(params: QueryParams, key: string): string | undefined {
  return params.get(key)?.[0];
}

/** Django's `request.GET.get(key)`: the **last** value of a repeated key. */
export function last(params: QueryParams, key: string): string | undefined {
  const values = params.get(key);
  return values === undefined ? undefined : values[values.length - 1];
}

/** `request.GET.get(key, "").strip()`, the way the portal's views read most parameters. */
export function stripped(params: QueryParams, key: string): string {
  return (last(params, key) ?? '').trim();
}

/** Python `urllib.parse.quote_plus`: only `A-Za-z0-9_.-~` stay as they are, a space becomes `+`. */
export function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * The portal's `update_query_params(url, params)`: keep the URL's query parameters except blank ones,
 * set or replace the given ones, and rebuild. Works for relative paths too.
 */
export function updateQueryParams(url: string, params: Record<string, string>): string {
  const hashAt = url.indexOf('#');
  const fragment = hashAt >= 0 ? url.slice(hashAt) : '';
  const noFragment = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const qAt = noFragment.indexOf('?');
  const base = qAt >= 0 ? noFragment.slice(0, qAt) : noFragment;
  const existing = qAt >= 0 ? parseFormQuery(noFragment.slice(qAt + 1)) : new Map<string, string[]>();
  const merged = new Map<string, string[]>();
  for (const [k, values] of existing) {
    const kept = values.filter((v) => v !== '');
    if (kept.length > 0) merged.set(k, kept);
  }
  for (const [k, v] of Object.entries(params)) merged.set(k, [v]);
  const parts: string[] = [];
  for (const [k, values] of merged) for (const v of values) parts.push(`${quotePlus(k)}=${quotePlus(v)}`);
  return `${base}${parts.length > 0 ? `?${parts.join('&')}` : ''}${fragment}`;
}
