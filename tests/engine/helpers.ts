/** Helpers shared by the engine black-box suites (tests/engine/*.test.ts). */
import assert from 'node:assert/strict';
import type { TestEngine } from '../support/engine-harness';
import { portalConfig, type SimplePortalInput } from '../support/portal-config';
import {
  catalogEnvironmentsSchema,
  requestReplySchema,
  userSessionsSchema,
  type CatalogEnvironments,
  type RequestReply,
  type UserSessions,
} from '../support/portal-schemas';

export const INDEX_URL = 'https://hub.test/';
export const ENCODED_INDEX_URL = 'https%3A%2F%2Fhub.test%2F';

/** One portal with the given workshops; sessions never expire unless an entry says so. */
export function config(name: string, input: Omit<SimplePortalInput, 'name'>): string {
  return portalConfig({ name, ...input });
}

export async function expectPlainText(res: Response, status: number, text: string): Promise<void> {
  const body = await res.text();
  assert.equal(res.status, status, `expected ${status} "${text}", got ${res.status} ${body.slice(0, 200)}`);
  assert.equal(body, text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/i);
}

export async function expectEmpty403(res: Response, what = ''): Promise<void> {
  const body = await res.text();
  assert.equal(res.status, 403, `${what}: expected 403, got ${res.status} ${body.slice(0, 200)}`);
  assert.equal(body, '', `${what}: 403 body must be empty`);
  assert.equal(res.headers.get('www-authenticate'), null, `${what}: no WWW-Authenticate header`);
}

export async function expectNoSession(res: Response): Promise<void> {
  const body = await res.text();
  assert.equal(res.status, 503, `expected 503, got ${res.status} ${body.slice(0, 200)}`);
  assert.deepEqual(JSON.parse(body), { error: 'No session available' });
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
}

export function qs(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** `GET /workshops/environment/<env>/request/?index_url=…&…` as the robot; raw response. */
export function requestRaw(
  te: TestEngine,
  env: string,
  params: Record<string, string | undefined> = {},
  init?: RequestInit,
): Promise<Response> {
  return te.api(`/workshops/environment/${env}/request/${qs({ index_url: INDEX_URL, ...params })}`, init);
}

/** A session request that must succeed; the reply is schema-checked. */
export async function requestSession(
  te: TestEngine,
  env: string,
  params: Record<string, string | undefined> = {},
): Promise<RequestReply> {
  const res = await requestRaw(te, env, params);
  const text = await res.text();
  assert.equal(res.status, 200, `request ${env} ${JSON.stringify(params)} -> ${res.status} ${text.slice(0, 200)}`);
  return requestReplySchema.parse(JSON.parse(text));
}

export function activationToken(reply: RequestReply): string {
  const m = /[?&]token=([^&]+)/.exec(reply.url);
  assert.ok(m?.[1], `no token in ${reply.url}`);
  return m[1];
}

/** Follows the activation path like a browser would (one hop, no redirect following). */
export function activate(te: TestEngine, reply: RequestReply, cookie?: string): Promise<Response> {
  return fetch(`${te.url}${reply.url}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

/** Activates and returns the `name=value` cookie pair(s) set by the portal (for browser-flow follow-ups). */
export async function activateOk(te: TestEngine, reply: RequestReply): Promise<string> {
  const res = await activate(te, reply);
  await res.text();
  assert.equal(res.status, 302, `activation of ${reply.name} -> ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .join('; ');
}

export async function catalog(te: TestEngine, query = '', token?: string): Promise<CatalogEnvironments> {
  const init = token ? { headers: { authorization: `Bearer ${token}` } } : undefined;
  return catalogEnvironmentsSchema.parse(await te.apiJson(`/workshops/catalog/environments/${query}`, init));
}

export async function environment(
  te: TestEngine,
  name: string,
  query = '?sessions=true&state=RUNNING&state=STOPPING&state=STARTING&state=STOPPED',
) {
  const env = (await catalog(te, query)).environments.find((e) => e.name === name);
  assert.ok(env, `environment ${name} not in the catalog`);
  return env;
}

export async function userSessions(te: TestEngine, user: string): Promise<UserSessions> {
  return userSessionsSchema.parse(await te.apiJson(`/workshops/user/${encodeURIComponent(user)}/sessions/`));
}

/** Status of a session through `/schedule/` (200 body), or the HTTP status when it is not 200 (e.g. 404). */
export async function scheduleStatus(te: TestEngine, session: string): Promise<string | number> {
  const res = await te.api(`/workshops/session/${session}/schedule/`);
  if (res.status !== 200) {
    await res.text();
    return res.status;
  }
  return ((await res.json()) as { status: string }).status;
}

/** Waits until the environment has `n` available (reserved, WAITING) sessions. */
export async function waitForAvailable(te: TestEngine, env: string, n: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    last = (await environment(te, env)).available;
    if (last === n) return;
    if (Date.now() > deadline) assert.fail(`environment ${env}: available stayed ${last}, expected ${n}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const uid = (() => {
  let n = 0;
  return (prefix = 'user'): string => `${prefix}-${process.pid}-${++n}`;
})();
