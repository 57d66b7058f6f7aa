/**
 * UI benchmark (`npm run bench:ui`): 10,000 sessions across 10 environments in Chromium.
 *
 * Measures, for the renderer's virtualized session table and, as the baseline in the same run, a plain table that
 * renders every row with the same row component:
 *  - time to first full render (navigation start → the first session rows painted),
 *  - main-thread time per countdown tick (CDP Performance.getMetrics deltas over an idle window / ticks),
 *  - a scroll through the whole table: long tasks (> 50 ms) and frames.
 * It also times the real app (`dist/renderer`, unchanged) opening the portal's session screen, and
 * (bench/ui-overview.ts) the fleet overview of 20 portals and 10,000 sessions against one small portal.
 *
 * The synthetic fleet is served over the web transport by a loopback harness (tests/e2e/harness/fake-console.ts);
 * the baseline page is built here with Vite from a generated entry under dist/ (benchmark code, not shipped).
 * Results are printed and written to BENCHMARKS.md under "## UI".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { startFakeConsole, type FakeConsole } from '../tests/e2e/harness/fake-console';
import { syntheticFleet } from '../tests/e2e/harness/synthetic-fleet';
import { errorDetail } from '../shared/util/error-text';
import { benchOverview } from './ui-overview';

const ROOT = path.resolve(__dirname, '..');
const SESSIONS = Number(process.env['BENCH_SESSIONS'] ?? 10_000);
const ENVIRONMENTS = 10;
const TICK_WINDOW_MS = Number(process.env['BENCH_TICK_WINDOW_MS'] ?? 6000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const VIEWPORT = { width: 1400, height: 900 };

const src = (p: string) => JSON.stringify(path.join(ROOT, 'renderer', 'src', p));

/** The benchmark page: the same store, transport, row component and CSS as the app; `?table=plain|virtual`. */
const ENTRY = `
import { createRoot } from 'react-dom/client';
import { useMemo } from 'react';
import { initApi } from ${src('lib/api')};
import { appStore } from ${src('store/app-store')};
import { loadAll } from ${src('store/sync')};
import { useApp } from ${src('store/use-app')};
import { sessionRows, sortSessions } from ${src('store/selectors/sessions')};
import { SessionTable, SessionRowView } from ${src('features/sessions/SessionTable')};
import ${src('styles/base.css')};
import ${src('styles/layout.css')};
import ${src('styles/components.css')};
import './bench.css';

const plain = new URLSearchParams(location.search).get('table') === 'plain';
const noop = () => {};
const sorting = { key: 'countdown', desc: false };

function PlainTable({ rows }) {
  // the baseline: every row in the DOM, same row component, no virtualizer
  return (
    <div className="session-table with-env" role="table" aria-label="Sessions" aria-rowcount={rows.length + 1}
      data-testid="session-table">
      <div role="rowgroup" className="st-head"><div role="row" className="st-row st-header">
        {['', 'Session', 'Environment', 'User', 'State', 'Started', 'Countdown', 'Extendable', 'Actions'].map((h) =>
          <div role="columnheader" className="st-cell" key={h}>{h}</div>)}
      </div></div>
      <div className="st-scroll-plain" data-testid="session-scroll" role="rowgroup">
        {rows.map((r, i) => <SessionRowView key={r.name} row={r} index={i} selected={false} busy={false} showEnvironment
          portalId="bench" expiringMinutes={10} onToggle={noop} onExtend={noop} onTerminate={noop} />)}
      </div>
    </div>
  );
}

function Bench() {
  const snap = useApp((s) => s.snapshots['bench']);
  const rows = useMemo(
    () => sortSessions(sessionRows(snap, '*'), { key: 'countdown', desc: false }, Date.now()),
    [snap],
  );
  if (!snap) return <p>loading</p>;
  return (
    <main className="bench-main">
      {plain ? <PlainTable rows={rows} /> : (
        <SessionTable label="Sessions" rows={rows} portalId="bench" showEnvironment sorting={sorting}
          onSortingChange={noop} selection={{}} onSelectionChange={noop} busy={new Set()} onExtend={noop}
          onTerminate={noop} />
      )}
    </main>
  );
}

initApi();
void loadAll(appStore);
createRoot(document.getElementById('root')).render(<Bench />);
`;

const BENCH_CSS = `
html, body, #root { height: 100%; }
.bench-main { height: 100%; display: flex; flex-direction: column; padding: 16px; }
.st-scroll-plain { flex: 1; overflow: auto; min-height: 0; }
`;

const HTML = fs
  .readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8')
  .replace(/<script type="module" src="[^"]*"><\/script>/, '<script type="module" src="./bench-entry.tsx"></script>');

/** Records when the first session row is painted, and every long task; runs before any page script. */
const INIT_SCRIPT = `
(() => {
  const w = window;
  w.__bench = { firstRows: null, longTasks: [] };
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__bench.longTasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  const mo = new MutationObserver(() => {
    if (w.__bench.firstRows !== null || !document.querySelector('[data-testid="session-row"]')) return;
    w.__bench.firstRows = -1;
    mo.disconnect();
    // the frame after the rows are in the DOM is the first one that shows them
    requestAnimationFrame(() => requestAnimationFrame(() => { w.__bench.firstRows = performance.now(); }));
  });
  document.addEventListener('DOMContentLoaded', () => mo.observe(document.body, { childList: true, subtree: true }));
})();
`;

/**
 * Scrolls the session list one viewport per frame towards the bottom; resolves with the steps taken and the
 * steps a full pass needs. Stops after SCROLL_CAP_MS so a very slow variant cannot run for minutes.
 */
const SCROLL_CAP_MS = Number(process.env['BENCH_SCROLL_CAP_MS'] ?? 30_000);
const SCROLL_SCRIPT = `new Promise((resolve) => {
  const el = document.querySelector('[data-testid="session-scroll"]');
  if (!el) return resolve([0, 0]);
  const needed = Math.ceil((el.scrollHeight - el.clientHeight) / el.clientHeight);
  const started = performance.now();
  let frames = 0;
  function step() {
    frames += 1;
    el.scrollTop += el.clientHeight;
    const done = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
    if (done || performance.now() - started > ${SCROLL_CAP_MS}) requestAnimationFrame(() => resolve([frames, needed]));
    else requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
})`;

interface BenchWindow {
  __bench: { firstRows: number | null; longTasks: number[] };
}

async function buildBenchPage(): Promise<string> {
  const srcDir = path.join(ROOT, 'dist', 'bench-ui-src');
  const outDir = path.join(ROOT, 'dist', 'bench-ui');
  fs.rmSync(srcDir, { recursive: true, force: true });
  fs.mkdirSync(srcDir, { recursive: true });
  fs.writeFileSync(path.join(srcDir, 'bench-entry.tsx'), ENTRY);
  fs.writeFileSync(path.join(srcDir, 'bench.css'), BENCH_CSS);
  fs.writeFileSync(path.join(srcDir, 'index.html'), HTML);
  const vite = await import('vite');
  await vite.build({
    root: srcDir,
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
    server: { fs: { allow: [ROOT] } },
  });
  return outDir;
}

interface Measure {
  firstRenderMs: number;
  domNodes: number;
  tickScriptMs: number;
  tickTaskMs: number;
  scrollLongTasks: number;
  scrollLongestMs: number;
  scrollTaskMs: number;
  scrollFrames: number;
  scrollNeeded: number;
  longTasksPer100: number;
  taskMsPerStep: number;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function measure(browser: Browser, url: string, opts: { scroll: boolean; prime?: string }): Promise<Measure> {
  const page: Page = await browser.newPage({ viewport: VIEWPORT });
  try {
    await page.addInitScript(INIT_SCRIPT);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    if (opts.prime) {
      // the page reads the token from the fragment into this tab's sessionStorage; the measured load is fresh
      await page.goto(opts.prime);
      await page.waitForFunction(() => window.sessionStorage.getItem('portal-console.token') !== null, undefined, {
        timeout: 120_000,
      });
    }
    await page.goto(url);
    await page.waitForFunction(
      () => {
        const b = (window as unknown as BenchWindow).__bench;
        return b.firstRows !== null && b.firstRows > 0;
      },
      undefined,
      { timeout: 120_000 },
    );
    const firstRenderMs = await page.evaluate(() => (window as unknown as BenchWindow).__bench.firstRows ?? 0);
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);

    // countdown ticks: an idle window in which only the shared ticker runs
    await page.waitForTimeout(1500); // let the first-render tasks settle before the idle window
    const before = await metrics(cdp);
    const t0 = Date.now();
    await page.waitForTimeout(TICK_WINDOW_MS);
    const after = await metrics(cdp);
    const ticks = Math.max(1, Math.round((Date.now() - t0) / 1000));
    const d = (k: string) => ((after[k] ?? 0) - (before[k] ?? 0)) * 1000;
    const tickScriptMs = d('ScriptDuration') / ticks;
    const tickTaskMs = d('TaskDuration') / ticks;

    let scrollLongTasks = 0;
    let scrollLongestMs = 0;
    let scrollTaskMs = 0;
    let scrollFrames = 0;
    let scrollNeeded = 0;
    if (opts.scroll) {
      await page.evaluate(() => {
        (window as unknown as BenchWindow).__bench.longTasks = [];
      });
      const m0 = await metrics(cdp);
      // a string, not a function: tsx's name-keeping helpers do not exist in the page
      [scrollFrames, scrollNeeded] = await page.evaluate<[number, number]>(SCROLL_SCRIPT);
      const m1 = await metrics(cdp);
      scrollTaskMs = ((m1['TaskDuration'] ?? 0) - (m0['TaskDuration'] ?? 0)) * 1000;
      const tasks = await page.evaluate(() => (window as unknown as BenchWindow).__bench.longTasks);
      scrollLongTasks = tasks.filter((t) => t > 50).length;
      scrollLongestMs = tasks.reduce((a, b) => Math.max(a, b), 0);
    }
    return {
      firstRenderMs,
      domNodes,
      tickScriptMs,
      tickTaskMs,
      scrollLongTasks,
      scrollLongestMs,
      scrollTaskMs,
      scrollFrames,
      scrollNeeded,
      longTasksPer100: scrollFrames ? (scrollLongTasks / scrollFrames) * 100 : 0,
      taskMsPerStep: scrollFrames ? scrollTaskMs / scrollFrames : 0,
    };
  } finally {
    await page.close();
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function medianOf(runs: Measure[]): Measure {
  const keys = Object.keys(runs[0] ?? {}) as (keyof Measure)[];
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as Measure;
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const ratio = (base: number, x: number) => (x > 0 ? `${(base / x).toFixed(1)}×` : base > 0 ? '∞' : '—');

function writeBenchmarks(section: string): void {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.search(/^## UI\s*$/m);
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const rest = current.slice(start + 5);
    const end = rest.search(/^## /m);
    next = current.slice(0, start) + section + (end < 0 ? '' : `\n${rest.slice(end)}`);
  }
  fs.writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

async function main(): Promise<void> {
  const appRoot = path.join(ROOT, 'dist', 'renderer');
  if (!fs.existsSync(path.join(appRoot, 'index.html')))
    throw new Error('dist/renderer is missing: run `npm run build` first');
  // BENCH_UI=overview: only the fleet overview case (its own section of BENCHMARKS.md)
  if (process.env['BENCH_UI'] === 'overview') {
    const browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu', '--no-first-run'],
    });
    try {
      await benchOverview(browser, appRoot);
    } finally {
      await browser.close();
    }
    return;
  }
  process.stdout.write('building the benchmark page…\n');
  const benchRoot = await buildBenchPage();
  const fleet = syntheticFleet({ sessions: SESSIONS, environments: ENVIRONMENTS });
  const consoles: FakeConsole[] = [];
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    const bench = await startFakeConsole({ staticRoot: benchRoot, fleet });
    const app = await startFakeConsole({ staticRoot: appRoot, fleet });
    consoles.push(bench, app);
    const withToken = (c: FakeConsole, search: string, hash: string) => `${c.origin}/${search}#token=${c.token}${hash}`;
    const results: Record<'virtual' | 'plain' | 'app', Measure[]> = { virtual: [], plain: [], app: [] };
    for (let i = 0; i < RUNS; i++) {
      process.stdout.write(`run ${i + 1}/${RUNS}\n`);
      // alternate the order so neither variant always runs on a warmer browser
      const order: ('virtual' | 'plain')[] = i % 2 ? ['plain', 'virtual'] : ['virtual', 'plain'];
      // every variant is measured the same way: a first load takes the token, the measured load is a fresh navigation
      for (const mode of order) {
        results[mode].push(
          await measure(browser, `${bench.origin}/?table=${mode}&measured`, {
            scroll: true,
            prime: withToken(bench, `?table=${mode}`, ''),
          }),
        );
      }
      results.app.push(await measure(browser, `${app.origin}/?bench#/portal/bench`, { scroll: false, prime: app.url }));
    }
    const v = medianOf(results.virtual);
    const p = medianOf(results.plain);
    const a = medianOf(results.app);

    const rows: [string, string, string, string, string][] = [
      [
        'time to first full render (ms, target < 300)',
        f1(v.firstRenderMs),
        f1(p.firstRenderMs),
        ratio(p.firstRenderMs, v.firstRenderMs),
        f1(a.firstRenderMs),
      ],
      [
        'DOM elements after first render',
        String(Math.round(v.domNodes)),
        String(Math.round(p.domNodes)),
        ratio(p.domNodes, v.domNodes),
        String(Math.round(a.domNodes)),
      ],
      [
        'scripting per countdown tick (ms, target < 4)',
        f2(v.tickScriptMs),
        f2(p.tickScriptMs),
        ratio(p.tickScriptMs, v.tickScriptMs),
        f2(a.tickScriptMs),
      ],
      [
        'main-thread task time per tick (ms)',
        f2(v.tickTaskMs),
        f2(p.tickTaskMs),
        ratio(p.tickTaskMs, v.tickTaskMs),
        f2(a.tickTaskMs),
      ],
      [
        'scroll: steps taken of a full pass (one viewport per frame)',
        `${v.scrollFrames} of ${v.scrollNeeded}`,
        `${p.scrollFrames} of ${p.scrollNeeded}`,
        '',
        '—',
      ],
      ['scroll: long tasks > 50 ms', String(v.scrollLongTasks), String(p.scrollLongTasks), '', '—'],
      [
        'scroll: long tasks per 100 steps',
        f1(v.longTasksPer100),
        f1(p.longTasksPer100),
        ratio(p.longTasksPer100, v.longTasksPer100),
        '—',
      ],
      [
        'scroll: longest task (ms)',
        f1(v.scrollLongestMs),
        f1(p.scrollLongestMs),
        ratio(p.scrollLongestMs, v.scrollLongestMs),
        '—',
      ],
      [
        'scroll: main-thread time per step (ms)',
        f2(v.taskMsPerStep),
        f2(p.taskMsPerStep),
        ratio(p.taskMsPerStep, v.taskMsPerStep),
        '—',
      ],
    ];
    const header =
      '| measure | virtualized table | plain table (baseline) | baseline / virtualized | shipped app ' +
      '(`#/portal/<id>`) |';
    const table = [header, '|---|---:|---:|---:|---:|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
    const cpu =
      `nproc ${os.cpus().length}, ${process.platform} ${process.arch}, Node ${process.version}, ` +
      `Chromium ${browser.version()}, load average ${os.loadavg()[0]?.toFixed(1)} at the end (shared machine)`;
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const targets = [
      `first full render < 300 ms: ${verdict(v.firstRenderMs < 300)} for the table (${f1(v.firstRenderMs)} ms), ` +
        `${verdict(a.firstRenderMs < 300)} for the shipped app (${f1(a.firstRenderMs)} ms)`,
      `scripting per tick < 4 ms: ${verdict(v.tickScriptMs < 4 && a.tickScriptMs < 4)} ` +
        `(${f2(v.tickScriptMs)} / ${f2(a.tickScriptMs)} ms)`,
      `scroll without long tasks: ${
        v.scrollLongTasks === 0
          ? 'met'
          : `${v.scrollLongTasks} long task(s) in ${v.scrollFrames} steps, longest ${f1(v.scrollLongestMs)} ms`
      } (baseline: ${p.scrollLongTasks} in ${p.scrollFrames} steps)`,
    ];
    const section = [
      '## UI',
      '',
      `\`npm run bench:ui\` (${new Date().toISOString().slice(0, 10)}; ${cpu}). ${SESSIONS.toLocaleString('en')} ` +
        `sessions across ${ENVIRONMENTS} environments of one portal, all in one table (the portal's "All ` +
        `environments" session view), sorted by countdown; median of ${RUNS} ` +
        `runs, ${VIEWPORT.width}×${VIEWPORT.height} viewport, headless Chromium.`,
      '',
      table,
      '',
      `Targets: ${targets.join('; ')}.`,
      '',
      '- *First full render*: navigation start until the frame after the first session rows are in the DOM ' +
        '(includes loading the bundle and fetching the 10,000-session snapshot over the web transport).',
      `- *Per tick*: Chrome DevTools Protocol \`Performance.getMetrics\` deltas (ScriptDuration, TaskDuration) ` +
        `over an idle ${TICK_WINDOW_MS / 1000} s window, divided by the ticks in it. One shared ticker rewrites ` +
        `only the countdown text nodes (virtualized: the ~30 rows in view; baseline: ` +
        `all ${SESSIONS.toLocaleString('en')}).`,
      `- *Scroll*: \`scrollTop\` advanced by one viewport per animation frame from top to bottom (stopped ` +
        `after ${SCROLL_CAP_MS / 1000} s of wall time, hence "steps taken of a full pass"); long tasks from a ` +
        `\`longtask\` PerformanceObserver; the countdown ticker keeps running meanwhile, as in real use.`,
      '- The baseline page and the virtualized page share the store, the transport, the row component and the ' +
        'CSS; only the virtualizer differs. The shipped-app column opens the real `dist/renderer` build on the ' +
        'portal session screen.',
      '',
    ].join('\n');
    process.stdout.write(`\n${table}\n`);
    writeBenchmarks(section);
    process.stdout.write('\nwritten to BENCHMARKS.md (## UI)\n');
    await benchOverview(browser, appRoot);
  } finally {
    await browser.close();
    for (const c of consoles) await c.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:ui failed: ${errorDetail(err)}\n`);
  process.exitCode = 1;
});
