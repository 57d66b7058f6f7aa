/**
 * Secrets audit. After a full end-to-end run of web mode (secrets-audit-scenario.ts, in a child process: built-in
 * engine, a second engine added as a remote portal, polls, allocations, extend, terminate, a roster, bulk actions,
 * errors, a portal going away, stop), search everything the console wrote or showed for every secret in play:
 *   - its stdout/stderr (log lines included, and the engine child's output, which it inherits),
 *   - every file under the console's data folder, raw bytes, while running (with the SQLite WAL) and after stop,
 *   - everything the renderer can read: every contract method's reply and the whole SSE stream.
 * Robot passwords, client secrets, access and refresh tokens must appear nowhere; activation tokens (shown to the
 * operator on purpose) must not reach logs or files other than the built-in engine's own database, which needs
 * them to check activations. Tokens the console got from the built-in engine are unknown to the test (the engine
 * stores only hashes), so every token-like string found is hashed and compared with the engines' token tables.
 * Finally the engine must store tokens only hashed: the raw access token is absent from its database files, its
 * SHA-256 present. The secret store is the keychain where one answers, else memory; both must pass.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const sha256 = (t: string): string => createHash('sha256').update(t).digest('hex');

interface AuditSecrets {
  keychain: { available: boolean; backend: string };
  secrets: string[];
  access: string[];
  refresh: string[];
  activation: string[];
}

interface Haystack {
  name: string;
  text: string;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-secrets-audit-'));
const outDir = path.join(tmp, 'out');
const rootDir = path.join(tmp, 'run');
let output = '';
let found: AuditSecrets;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** raw bytes as latin1, so any byte sequence of an ASCII secret is found wherever it sits in a binary file */
const raw = (file: string): Haystack => ({
  name: path.relative(tmp, file),
  text: fs.readFileSync(file).toString('latin1'),
});

/** every file the console wrote (its data folder, with the built-in engine), while running and after stop */
function consoleFiles(): string[] {
  return [
    ...filesUnder(path.join(rootDir, 'console')),
    ...filesUnder(path.join(outDir, 'running-snapshot', 'console')),
  ];
}
function remoteEngineDbFiles(): string[] {
  return [
    ...filesUnder(path.join(rootDir, 'remote-engine')),
    ...filesUnder(path.join(outDir, 'running-snapshot', 'remote-engine')),
  ].filter((f) => /portal\.db(-wal|-shm)?$/.test(f));
}
const isBuiltinEngineDb = (name: string): boolean => /console[/\\]engine[/\\]portal\.db(-wal|-shm)?$/.test(name);

function leaks(needles: string[], haystacks: Haystack[]): string[] {
  const hits: string[] = [];
  for (const n of needles) {
    if (n.length < 8) continue; // nothing that short is a secret here; avoids matching noise
    const forms = new Set([n, encodeURIComponent(n), JSON.stringify(n).slice(1, -1)]);
    for (const h of haystacks)
      for (const f of forms) if (h.text.includes(f)) hits.push(`${n.slice(0, 4)}… in ${h.name}`);
  }
  return hits;
}

/** the token hashes the engines issued, read from the database copies taken while running and after stop */
function issuedTokenHashes(): Set<string> {
  const hashes = new Set<string>();
  const dbs = [...consoleFiles(), ...remoteEngineDbFiles()].filter((f) => f.endsWith('portal.db'));
  for (const file of dbs) {
    const copy = path.join(tmp, `hashes-${hashes.size}-${path.basename(path.dirname(file))}.db`);
    fs.copyFileSync(file, copy);
    for (const ext of ['-wal', '-shm']) if (fs.existsSync(file + ext)) fs.copyFileSync(file + ext, copy + ext);
    const db = new Database(copy);
    try {
      for (const row of db.prepare('SELECT hash FROM oauth_tokens').all() as Array<{ hash: string }>)
        hashes.add(row.hash);
    } finally {
      db.close();
    }
  }
  return hashes;
}

describe('secrets audit of a full web-mode run', { timeout: 180_000 }, () => {
  before(async () => {
    fs.mkdirSync(outDir);
    fs.mkdirSync(rootDir);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'secrets-audit-scenario.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, AUDIT_OUT: outDir, AUDIT_ROOT: rootDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, `the scenario failed:\n${output.slice(-4000)}`);
    assert.match(output, /AUDIT_SCENARIO_DONE/);
    found = JSON.parse(fs.readFileSync(path.join(outDir, 'secrets.json'), 'utf8')) as AuditSecrets;
    console.log(
      `secrets audit: store ${found.keychain.backend}; ${found.secrets.length} secrets, ` +
        `${found.access.length} access and ${found.refresh.length} refresh tokens, ` +
        `${found.activation.length} activation tokens; ` +
        `${consoleFiles().length} console files`,
    );
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the run had secrets and tokens to look for (the audit is not vacuous)', () => {
    assert.ok(found.secrets.length >= 4, 'robot passwords and client secrets were recorded');
    assert.ok(
      found.access.length >= 1 && found.refresh.length >= 1,
      'the console obtained tokens from the remote portal',
    );
    assert.ok(found.activation.length >= 2, 'allocations were made');
    assert.ok(
      consoleFiles().some((f) => /portal\.db-wal$/.test(f)),
      'a WAL file was captured while running',
    );
  });

  test('no password, client secret, access or refresh token in the console output (stdout, stderr, logs)', () => {
    assert.deepEqual(
      leaks(
        [...found.secrets, ...found.access, ...found.refresh, ...found.activation],
        [{ name: 'output', text: output }],
      ),
      [],
    );
  });

  test(
    'no password, client secret, access or refresh token in any file the console wrote (raw bytes, ' + 'WAL included)',
    () => {
      const files = consoleFiles().map(raw);
      assert.deepEqual(leaks([...found.secrets, ...found.access, ...found.refresh], files), []);
      // Activation tokens only in the built-in engine's database, which must keep them to check activations, and in
      // console.db (mode 0600), which keeps each attendee's link so it can be handed out again after a restart.
      const keepsLinks = (name: string) => isBuiltinEngineDb(name) || /console\.db(-wal|-shm)?$/.test(name);
      assert.deepEqual(
        leaks(
          found.activation,
          files.filter((h) => !keepsLinks(h.name)),
        ),
        [],
      );
    },
  );

  test('nothing the renderer can read (every method reply, the SSE stream) carries a password, secret or token', () => {
    const saw = fs.readFileSync(path.join(outDir, 'renderer-saw.txt'), 'utf8');
    assert.ok(saw.includes('monitor.portal'), 'the SSE stream was captured');
    assert.deepEqual(
      leaks([...found.secrets, ...found.access, ...found.refresh], [{ name: 'renderer', text: saw }]),
      [],
    );
  });

  test('no token issued by either engine appears anywhere (hash comparison of every token-like string)', () => {
    const hashes = issuedTokenHashes();
    assert.ok(hashes.size >= 2, 'the engines issued tokens');
    const texts: Haystack[] = [
      { name: 'output', text: output },
      { name: 'renderer', text: fs.readFileSync(path.join(outDir, 'renderer-saw.txt'), 'utf8') },
      ...consoleFiles().map(raw),
    ];
    const leaked: string[] = [];
    for (const h of texts) {
      for (const m of h.text.matchAll(/[A-Za-z0-9_\-.~+/]{16,128}/g)) {
        if (hashes.has(sha256(m[0]))) leaked.push(`${m[0].slice(0, 4)}… in ${h.name}`);
      }
    }
    assert.deepEqual(leaked, []);
  });

  test(
    'the engine stores tokens only hashed (raw access token absent from its database files, ' + 'its hash present)',
    () => {
      const dbFiles = remoteEngineDbFiles().map(raw);
      assert.ok(dbFiles.length >= 1);
      assert.deepEqual(leaks([...found.access, ...found.refresh], dbFiles), []);
      const hashes = issuedTokenHashes();
      for (const t of found.access) assert.ok(hashes.has(sha256(t)), 'the access token is stored as its SHA-256');
    },
  );
});
