/**
 * Runs Electronegativity (Doyensec's Electron misconfiguration scanner, offline) over the built main process,
 * preload and renderer, and fails on any HIGH or MEDIUM finding that is not allowlisted as a false positive in
 * electronegativity-allowlist.yml. A second scan of a deliberately insecure fixture proves the scanner really ran.
 * `npm test` builds before it runs the tests; on its own, run `npm run build` first.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Papa from 'papaparse';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..', '..');
/** the scanner with its network look-ups disabled (see electronegativity-offline.ts) */
const scanner = path.join(__dirname, 'electronegativity-offline.ts');
const SCAN_TIMEOUT_MS = 120_000;
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

interface Finding {
  issue: string;
  severity: string;
  confidence: string;
  filename: string;
  location: string;
  description: string;
}

interface AllowEntry {
  check: string;
  file?: string;
  reason: string;
}

/** Runs the scanner with a CSV report (the only output format that keeps severity and confidence). */
function scan(input: string, report: string): Promise<Finding[]> {
  return new Promise((resolve, reject) => {
    // LANG is pinned so the tool uses its bundled English strings
    const child = spawn(process.execPath, ['--import', 'tsx', scanner, input, report], {
      cwd: root,
      env: { ...process.env, LANG: 'en-US' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), SCAN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 || !fs.existsSync(report)) {
        reject(new Error(`electronegativity exited with ${code}:\n${output.slice(-3000)}`));
        return;
      }
      const parsed = Papa.parse<Record<string, string>>(fs.readFileSync(report, 'utf8'), {
        header: true,
        skipEmptyLines: true,
        transformHeader: (h) => h.trim(),
      });
      resolve(
        parsed.data.map((row) => ({
          issue: row['issue'] ?? '',
          severity: (row['severity'] ?? '').toUpperCase(),
          confidence: row['confidence'] ?? '',
          filename: row['filename'] ?? '',
          location: row['location'] ?? '',
          description: row['description'] ?? '',
        })),
      );
    });
  });
}

/** Copies the built output the app ships (no maps or declarations) into one folder, shaped like the package. */
function stageApp(target: string): void {
  const keep = (src: string): boolean => !/\.(map|d\.ts)$/.test(src);
  for (const part of ['electron', 'preload', 'renderer']) {
    const from = path.join(root, 'dist', part);
    assert.ok(fs.existsSync(from), `dist/${part} is missing: run \`npm run build\` first`);
    fs.cpSync(from, path.join(target, part), { recursive: true, filter: keep });
  }
  // package.json lets the scanner read the Electron version (ELECTRON_VERSION_JSON_CHECK)
  fs.copyFileSync(path.join(root, 'package.json'), path.join(target, 'package.json'));
}

function loadAllowlist(): AllowEntry[] {
  const doc = parse(fs.readFileSync(path.join(__dirname, 'electronegativity-allowlist.yml'), 'utf8')) as {
    allow?: unknown;
  };
  const entries = Array.isArray(doc.allow) ? (doc.allow as AllowEntry[]) : [];
  for (const e of entries) {
    assert.ok(typeof e.check === 'string' && e.check.length > 0, 'every allowlist entry names a check');
    assert.ok(typeof e.reason === 'string' && e.reason.trim().length >= 20, `allowlist entry ${e.check} explains why`);
  }
  return entries;
}

const matches = (f: Finding, e: AllowEntry): boolean =>
  f.issue === e.check && (e.file === undefined || f.filename.includes(e.file));

describe('Electronegativity', { timeout: SCAN_TIMEOUT_MS + 30_000 }, () => {
  let tmp = '';
  let appFindings: Finding[] = [];
  let fixtureFindings: Finding[] = [];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-electroneg-'));
    const app = path.join(tmp, 'app');
    stageApp(app);
    const fixture = path.join(tmp, 'insecure-fixture');
    fs.mkdirSync(fixture);
    fs.writeFileSync(
      path.join(fixture, 'main.js'),
      "const { BrowserWindow } = require('electron');\n" +
        'new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n',
    );
    [appFindings, fixtureFindings] = await Promise.all([
      scan(app, path.join(tmp, 'app.csv')),
      scan(fixture, path.join(tmp, 'fixture.csv')),
    ]);
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the scanner reports an insecure window (it really ran)', () => {
    const ids = fixtureFindings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.issue);
    assert.ok(ids.includes('CONTEXT_ISOLATION_JS_CHECK'), `fixture findings: ${ids.join(', ')}`);
  });

  test('no HIGH or MEDIUM finding in main, preload or renderer outside the allowlist', () => {
    const allow = loadAllowlist();
    const blocking = appFindings.filter((f) => BLOCKING.has(f.severity) && !allow.some((e) => matches(f, e)));
    assert.deepEqual(
      blocking.map((f) => `${f.severity} ${f.issue} ${f.filename}:${f.location} — ${f.description}`),
      [],
      'fix these, or allowlist a false positive with its reason in tests/security/electronegativity-allowlist.yml',
    );
  });

  test('every allowlist entry still matches a finding (no stale exceptions)', () => {
    const stale = loadAllowlist().filter((e) => !appFindings.some((f) => matches(f, e)));
    assert.deepEqual(
      stale.map((e) => `${e.check} ${e.file ?? ''}`.trim()),
      [],
    );
  });
});
