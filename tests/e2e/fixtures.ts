import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import type {
  startWebConsole as StartWebConsole,
  WebConsole,
  WebConsoleOptions,
} from '../../electron/web/start-web-console';
import type { startEngine as StartEngine } from '../../electron/engine/index';
import type { MethodInput, MethodName, MethodOutput, Result } from '../../shared/contract';
import { AppPage } from './pages/app-page';

/**
 * The suite runs against the build (`npm run build` first, as `npm test` does): the compiled console starts its
 * engine child from dist/ exactly as the shipped CLI does, and no TypeScript loader sits in between.
 */
const DIST = path.resolve(__dirname, '..', '..', 'dist', 'electron');
export const { startWebConsole } = require(path.join(DIST, 'web', 'start-web-console.js')) as {
  startWebConsole: typeof StartWebConsole;
};
export const { startEngine } = require(path.join(DIST, 'engine', 'index.js')) as { startEngine: typeof StartEngine };
export type { RunningEngine } from '../../electron/engine/index';

/**
 * Each test gets its own console (web mode + built-in engine) on its own data folder and free port, and a page
 * opened on it once the "app ready" marker is set. Fast polls and short timeouts keep waits short.
 */
export interface ConsoleFixtureOptions {
  consoleOptions: Partial<WebConsoleOptions>;
}

export interface Fixtures {
  webConsole: WebConsole;
  app: AppPage;
  /** a scratch folder removed after the test */
  scratch: string;
}

export const FAST_TUNING = {
  // 2 s failed first polls of a healthy engine when the machine was very busy (load 12–16 on 2 cores)
  requestTimeoutMs: 4000,
  retries: 0,
  retryBaseMs: 50,
  offlineAfterFailures: 2,
  maxBackoffMs: 1500,
  rosterProgressIntervalMs: 50,
};

export const test = base.extend<Fixtures & ConsoleFixtureOptions>({
  consoleOptions: [{}, { option: true }],
  scratch: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-'));
    try {
      await use(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  webConsole: async ({ scratch, consoleOptions }, use) => {
    const wc = await startWebConsole({
      dataDir: path.join(scratch, 'console'),
      port: 0,
      engine: true,
      validateOutput: true,
      tuning: FAST_TUNING,
      ...consoleOptions,
    });
    try {
      await use(wc);
    } finally {
      await wc.close();
    }
  },
  app: async ({ page, webConsole }, use) => {
    const errors = collectPageErrors(page);
    const app = new AppPage(page);
    await app.open(webConsole.url);
    await use(app);
    expect(errors, 'no page errors or CSP violations in the console').toEqual([]);
  },
});

/** Page errors and console errors (CSP violations, React errors) of a page, for a test to expect none of. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // any console error is a failure: a CSP violation or notice, a React error, a failed load
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/** Calls the console's API as the page does (test setup that is not itself under test). */
export async function callConsole<M extends MethodName>(
  wc: WebConsole,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const res = await fetch(`${wc.origin}/api/invoke/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${wc.token}` },
    body: JSON.stringify(input),
  });
  const r = (await res.json()) as Result<MethodOutput<M>>;
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.data;
}

export { expect };

/** Runs axe on the current screen; fails on serious or critical violations. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
    `axe on ${screen}`,
  ).toEqual([]);
}
