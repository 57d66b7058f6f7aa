/**
 * The fleet overview case of `npm run bench:ui`: the shipped app (`dist/renderer`) opening `#/fleet` on 20 portals
 * holding 10,000 sessions between them, against a baseline measured in the same run, the same app opening a fleet
 * of one portal with 10 sessions. The figure is the first frame that shows the now strip and every portal card.
 */
import os from 'node:os';
import type { Browser } from '@playwright/test';
import type { FleetSnapshot } from '../shared/contract';
import { startFakeConsole } from '../tests/e2e/harness/fake-console';
import { syntheticPortal } from '../tests/e2e/harness/synthetic-fleet';
import { machineLine, writeSection } from './lib/benchmarks-md';

const PORTALS = 20;
const SESSIONS = Number(process.env['BENCH_SESSIONS'] ?? 10_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const TARGET_MS = 200;

export function overviewFleet(portals: number, sessions: number): FleetSnapshot {
  const list = Array.from({ length: portals }, (_, i) => {
    const p = syntheticPortal({
      portalId: `bench-${i + 1}`,
      sessions: Math.round(sessions / portals),
      environments: Math.min(5, Math.max(1, Math.round(sessions / portals / 10))),
    });
    return { ...p, label: `Workshop portal ${i + 1}` };
  });
  return { generatedAt: Date.now(), revision: 1, epoch: 'synthetic', portals: list };
}

/** Set before any page script: the time of the frame after the strip and `cards` portal cards are in the DOM. */
const initScript = (cards: number) => `
(() => {
  const w = window;
  w.__overview = null;
  const ready = () =>
    document.querySelector('[data-testid="now-strip"]') &&
    document.querySelectorAll('[data-testid="portal-card"]').length >= ${cards};
  const mo = new MutationObserver(() => {
    if (w.__overview !== null || !ready()) return;
    w.__overview = -1;
    mo.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => { w.__overview = performance.now(); }));
  });
  document.addEventListener('DOMContentLoaded', () => mo.observe(document.body, { childList: true, subtree: true }));
})();
`;

async function firstFrame(browser: Browser, origin: string, url: string, cards: number): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.addInitScript(initScript(cards));
    // the first load takes the token from the fragment into this tab; the measured load is a fresh navigation
    await page.goto(url);
    await page.waitForFunction(() => window.sessionStorage.getItem('portal-console.token') !== null);
    await page.goto(`${origin}/?measured#/fleet`);
    await page.waitForFunction(
      () => ((window as unknown as { __overview: number | null }).__overview ?? 0) > 0,
      undefined,
      {
        timeout: 120_000,
      },
    );
    return await page.evaluate(() => (window as unknown as { __overview: number }).__overview);
  } finally {
    await page.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

export async function benchOverview(browser: Browser, appRoot: string): Promise<void> {
  const big = await startFakeConsole({ staticRoot: appRoot, fleet: overviewFleet(PORTALS, SESSIONS) });
  const small = await startFakeConsole({ staticRoot: appRoot, fleet: overviewFleet(1, 10) });
  const times = { big: [] as number[], small: [] as number[] };
  try {
    for (let i = 0; i < RUNS; i++) {
      process.stdout.write(`overview run ${i + 1}/${RUNS}\n`);
      const order: ('big' | 'small')[] = i % 2 ? ['small', 'big'] : ['big', 'small'];
      for (const which of order) {
        const c = which === 'big' ? big : small;
        times[which].push(await firstFrame(browser, c.origin, c.url, which === 'big' ? PORTALS : 1));
      }
    }
  } finally {
    await big.close();
    await small.close();
  }
  const b = median(times.big);
  const s = median(times.small);
  const f1 = (n: number) => n.toFixed(1);
  const table = [
    '| measure | 20 portals, 10,000 sessions | baseline: 1 portal, 10 sessions | ratio |',
    '|---|---:|---:|---:|',
    `| first frame of the overview (ms, median of ${RUNS}) | ${f1(b)} | ${f1(s)} | ${(b / s).toFixed(2)}× |`,
    `| all runs (ms) | ${times.big.map(f1).join(', ')} | ${times.small.map(f1).join(', ')} | |`,
  ].join('\n');
  const body = [
    `\`npm run bench:ui\` (\`BENCH_UI=overview\` runs only this case). ${machineLine()}; load ` +
      `average ${os.loadavg()[0]?.toFixed(1)} at the end (shared machine); Chromium ${browser.version()}, ` +
      `headless, 1400×900.`,
    '',
    table,
    '',
    `Target: first frame < ${TARGET_MS} ms with 20 portals and ${SESSIONS.toLocaleString('en')} ` +
      `sessions: ${b < TARGET_MS ? 'met' : 'MISSED'} (${f1(b)} ms).`,
    '',
    '- *First frame*: navigation start (a fresh load of the shipped `dist/renderer` at `#/fleet`) until the ' +
      'frame after the now strip and every portal card are in the DOM; includes loading the bundle and reading ' +
      'the fleet over the web transport from a loopback harness.',
    '- The baseline is the same app and the same harness with a fleet of one portal and 10 sessions, so the ' +
      "ratio is the cost of the fleet's size; the now strip and the needs-attention list are computed over all " +
      '10,000 sessions.',
  ].join('\n');
  process.stdout.write(`\n${table}\n`);
  writeSection('UI: fleet overview', body);
  process.stdout.write('\nwritten to BENCHMARKS.md (## UI: fleet overview)\n');
}
