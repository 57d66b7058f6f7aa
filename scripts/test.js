#!/usr/bin/env node
'use strict';
/**
 * `npm test`: builds, then runs the Node unit/integration tests (node:test through tsx) and the browser and
 * Electron suites (@playwright/test), and prints one closing line "tests: N passed, N failed, N skipped".
 * `npm test -- unit`, `-- e2e` or `-- lint` runs one part; further arguments pass to the runner (file filters).
 * `npm test` runs `npm run lint` (ESLint and Prettier) after the build; a lint failure counts as one failed test.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const [part = 'all', ...extra] = process.argv.slice(2);
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function findTests(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(p, out);
    else if (/\.test\.tsx?$/.test(entry.name)) out.push(path.relative(root, p));
  }
  return out;
}

function unit() {
  const files = extra.length
    ? extra
    : ['shared', 'electron', 'renderer', 'tests'].flatMap((d) => findTests(path.join(root, d)));
  if (files.length === 0) return 0;
  const tap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pc-test-')), 'unit.tap');
  const status = run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
  const count = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) || [])[1] || 0);
  totals.passed += count('pass');
  totals.failed += count('fail') + count('cancelled');
  totals.skipped += count('skipped') + count('todo');
  if (status !== 0 && count('fail') + count('cancelled') === 0) totals.failed += 1;
  return status;
}

function e2e() {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-')), 'report.json');
  const status = run(
    'npx',
    ['playwright', 'test', '--config', 'tests/playwright.config.ts', '--pass-with-no-tests', ...extra],
    {
      PLAYWRIGHT_JSON_OUTPUT_NAME: json,
    },
  );
  if (fs.existsSync(json)) {
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    const { stats = {} } = report;
    // The list reporter shows a skipped test as a bare "-": print why, once per reason.
    for (const reason of skipReasons(report)) console.log(`skipped: ${reason}`);
    totals.passed += (stats.expected || 0) + (stats.flaky || 0);
    totals.failed += stats.unexpected || 0;
    totals.skipped += stats.skipped || 0;
  } else if (status !== 0) totals.failed += 1;
  return status;
}

function skipReasons(report) {
  const reasons = new Set();
  const visit = (suite) => {
    for (const spec of suite.specs || []) {
      for (const t of spec.tests || []) {
        if (t.status !== 'skipped') continue;
        for (const a of t.annotations || []) if (a.type === 'skip' && a.description) reasons.add(a.description);
      }
    }
    for (const child of suite.suites || []) visit(child);
  };
  for (const suite of report.suites || []) visit(suite);
  return reasons;
}

function lint() {
  const status = run('npm', ['run', '--silent', 'lint']);
  if (status === 0) {
    console.log('lint: ESLint and Prettier found nothing');
    totals.passed += 1;
  } else totals.failed += 1;
  return status;
}

let status = 0;
status |= run('npm', ['run', '--silent', 'build']);
if (status === 0) {
  if (part === 'all' || part === 'lint') status |= lint();
  if (part === 'all' || part === 'unit') status |= unit();
  if (part === 'all' || part === 'e2e') status |= e2e();
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = status === 0 && totals.failed === 0 ? 0 : 1;
