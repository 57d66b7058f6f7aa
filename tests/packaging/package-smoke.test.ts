/**
 * Runs electron-builder for real (`--linux dir`) on the built app and looks inside what it produced.
 * The Electron binary cannot be downloaded here, so a stand-in "Electron distribution" is used: a file that
 * carries Electron's fuse sentinel and wire, which lets the test read back the fuses electron-builder flipped.
 * Native modules are not rebuilt (that needs Electron's headers from the network); everything else, including
 * the file filters, asar packing, asarUnpack and the fuse flip, is electron-builder's own code path.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listPackage } from '@electron/asar';
import { parse, stringify } from 'yaml';

const root = path.resolve(__dirname, '..', '..');
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's defaults for the 9 v1 fuses, '1' = enabled (RunAsNode … WasmTrapHandlers). */
const DEFAULT_WIRE = '101100011';
const BUILD_TIMEOUT_MS = 180_000;

interface BuildResult {
  code: number | null;
  output: string;
}

function runBuilder(configFile: string): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
        '--config',
        configFile,
        '--linux',
        'dir',
        '--projectDir',
        root,
      ],
      { cwd: root, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('electron-builder --linux dir (stand-in Electron)', { timeout: BUILD_TIMEOUT_MS + 30_000 }, () => {
  let tmp = '';
  let appDir = '';
  let entries: string[] = [];
  let fuses: Record<string, unknown> = {};

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-pack-'));
    const electronDist = path.join(tmp, 'electron-dist');
    fs.mkdirSync(electronDist);
    const filler = Buffer.alloc(4096, 0x90);
    fs.writeFileSync(
      path.join(electronDist, 'electron'),
      Buffer.concat([
        filler,
        Buffer.from(FUSE_SENTINEL),
        Buffer.from([1, DEFAULT_WIRE.length]),
        Buffer.from(DEFAULT_WIRE),
        filler,
      ]),
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(electronDist, 'LICENSE'), 'stand-in\n');
    fs.writeFileSync(path.join(electronDist, 'LICENSES.chromium.html'), '<p>stand-in</p>\n');

    const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
    fuses = config['electronFuses'] as Record<string, unknown>;
    const electronPkg = JSON.parse(
      fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    const configFile = path.join(tmp, 'electron-builder.yml');
    fs.writeFileSync(
      configFile,
      stringify({
        ...config,
        electronDist,
        electronVersion: electronPkg.version,
        npmRebuild: false,
        directories: { ...(config['directories'] as object), output: path.join(tmp, 'out') },
      }),
    );
    const result = await runBuilder(configFile);
    assert.equal(result.code, 0, `electron-builder failed:\n${result.output.slice(-4000)}`);
    appDir = path.join(tmp, 'out', 'linux-unpacked');
    entries = listPackage(path.join(appDir, 'resources', 'app.asar'), { isPack: false }).map((e) =>
      e.split(path.sep).join('/').replace(/^\//, ''),
    );
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the archive holds the entry points and package.json', () => {
    for (const file of [
      'package.json',
      'dist/electron/main.js',
      'dist/preload/preload.js',
      'dist/renderer/index.html',
      'bin/portal-console.js',
    ]) {
      assert.ok(entries.includes(file), `${file} is packaged`);
    }
  });

  test('no sources, tests, declarations, maps or build info are packaged', () => {
    const own = entries.filter((e) => !e.startsWith('node_modules/') && !e.includes('/node_modules/'));
    const leaked = own.filter(
      (e) =>
        /\.(ts|tsx|map|tsbuildinfo)$/.test(e) ||
        /^(electron|renderer|shared|tests|bench|scripts|assets|build|\.ci)(\/|$)/.test(e) ||
        (/^dist\/[^/]+/.test(e) && !/^dist\/(electron|preload|renderer|shared)(\/|$)/.test(e)) ||
        /(^|\/)(README|RELIABILITY)\.md$/.test(e),
    );
    assert.deepEqual(leaked, []);
  });

  test('devDependencies stay out (Electron, the builder, TypeScript, the test tools)', () => {
    for (const dev of ['electron', 'electron-builder', 'typescript', 'vite', 'tsx', 'fast-check', '@playwright/test']) {
      assert.ok(!entries.includes(`node_modules/${dev}`), `${dev} is not packaged`);
    }
    for (const prod of ['fastify', 'zod', 'yaml', 'better-sqlite3']) {
      assert.ok(entries.includes(`node_modules/${prod}`), `${prod} is packaged`);
    }
  });

  test('native modules are unpacked next to the archive, without their sources or build intermediates', () => {
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked', 'node_modules');
    assert.ok(fs.existsSync(path.join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')));
    assert.ok(fs.existsSync(path.join(unpacked, 'keytar', 'build', 'Release', 'keytar.node')));
    assert.ok(!fs.existsSync(path.join(unpacked, 'better-sqlite3', 'deps')), 'sqlite sources are not shipped');
    assert.ok(
      !fs.existsSync(path.join(unpacked, 'better-sqlite3', 'build', 'Release', 'obj')),
      'object files are not shipped',
    );
  });

  test('the fuses in the packaged binary are the ones electron-builder.yml asks for', async () => {
    const { getCurrentFuseWire, FuseV1Options } = await import('@electron/fuses');
    const wire = (await getCurrentFuseWire(path.join(appDir, 'portal-console'))) as Record<number, number>;
    const expected: Record<string, number> = {
      runAsNode: FuseV1Options.RunAsNode,
      enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
      enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
      enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
      enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
      onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
      loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
      grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
    };
    for (const [name, index] of Object.entries(expected)) {
      const want = fuses[name] === true ? '1' : '0';
      assert.equal(String.fromCharCode(wire[index] ?? 0), want, `fuse ${name}`);
    }
  });
});
