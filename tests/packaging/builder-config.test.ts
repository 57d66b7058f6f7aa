/**
 * electron-builder.yml is checked the way electron-builder itself checks it (its own scheme.json, compiled with
 * ajv), and the settings that carry security or packaging weight are pinned: fuses, unpacked native modules,
 * targets, what goes into the archive, and the icons it points to.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { readIcnsTypes, readIcoSizes, readPng } from './image-files';

const root = path.resolve(__dirname, '..', '..');
const configPath = path.join(root, 'electron-builder.yml');
const schemaPath = require.resolve('app-builder-lib/scheme.json', { paths: [root] });

type Config = Record<string, unknown>;

function loadConfig(): Config {
  const value: unknown = parse(fs.readFileSync(configPath, 'utf8'));
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), 'electron-builder.yml is a mapping');
  return value as Config;
}

function section(config: Config, key: string): Config {
  const value = config[key];
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${key} is a mapping`);
  return value as Config;
}

function compileSchema(): ValidateFunction {
  // Same options electron-builder uses (app-builder-lib/out/util/config/schemaValidator.js), except no type
  // coercion: a quoted "true" for a fuse should fail here. `strict: false` tolerates its custom "typeof" keyword.
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as object);
}

function asStrings(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

describe('electron-builder.yml', () => {
  const config = loadConfig();
  const validate = compileSchema();

  test("validates against electron-builder's JSON schema", () => {
    const ok = validate(config);
    assert.equal(ok, true, JSON.stringify(validate.errors, null, 2));
  });

  test('the schema check is not vacuous: a misspelled fuse and a string fuse value are refused', () => {
    const fuses = section(config, 'electronFuses');
    assert.equal(validate({ ...config, electronFuses: { ...fuses, runAsnode: false } }), false);
    assert.equal(validate({ ...config, electronFuses: { ...fuses, runAsNode: 'false' } }), false);
    assert.equal(validate({ ...config, asarUnpack: 42 }), false);
  });

  test("passes electron-builder's own configuration check (deprecated options included)", async () => {
    const modulePath = require.resolve('app-builder-lib/out/util/config/config', { paths: [root] });
    const { validateConfiguration } = (await import(modulePath)) as {
      validateConfiguration: (c: Config, log: { isEnabled: boolean; add: () => void }) => Promise<void>;
    };
    await validateConfiguration(config, { isEnabled: false, add: () => undefined });
  });

  test('identity: appId and productName', () => {
    assert.match(String(config['appId']), /^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    assert.equal(config['productName'], 'Portal Console');
  });

  test('fuses close every code-injection path the app does not need', () => {
    assert.deepEqual(section(config, 'electronFuses'), {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  test('asar with the native modules unpacked and rebuilt for Electron', () => {
    assert.equal(config['asar'], true);
    const unpack = asStrings(config['asarUnpack']);
    assert.ok(unpack.includes('**/node_modules/better-sqlite3/**'), 'better-sqlite3 unpacked');
    assert.ok(unpack.includes('**/node_modules/keytar/**'), 'keytar unpacked');
    assert.equal(config['npmRebuild'], true);
    // the globs must name modules that really are installed (a typo would silently unpack nothing)
    for (const name of ['better-sqlite3', 'keytar']) {
      assert.ok(fs.existsSync(path.join(root, 'node_modules', name, 'package.json')), `${name} installed`);
    }
  });

  test(
    'only compiled runtime output goes in (dist/electron, preload, renderer, shared): ' +
      'no sources, tests or build info',
    () => {
      const files = asStrings(config['files']);
      const includes = files.filter((f) => !f.startsWith('!'));
      assert.deepEqual([...includes].sort(), [
        'bin/**',
        'dist/electron/**',
        'dist/preload/**',
        'dist/renderer/**',
        'dist/shared/**',
        'package.json',
      ]);
      for (const excluded of ['!**/*.d.ts', '!**/*.map']) {
        assert.ok(files.includes(excluded), `files excludes ${excluded}`);
      }
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
      assert.match(pkg.main, /^dist\//, 'package.json main lies inside the packaged files');
    },
  );

  test('targets: Linux AppImage and deb, macOS dmg with hardened runtime, Windows nsis', () => {
    const linux = section(config, 'linux');
    assert.deepEqual(asStrings(linux['target']).sort(), ['AppImage', 'deb']);
    assert.match(String(linux['category']), /^Development;Education;?$/);
    assert.match(String(linux['maintainer']), /\S+ <[^@\s]+@[^@\s]+>/);
    const mac = section(config, 'mac');
    assert.deepEqual(asStrings(mac['target']), ['dmg']);
    assert.equal(mac['hardenedRuntime'], true);
    assert.match(String(mac['category']), /^public\.app-category\./);
    const entitlements = path.join(root, String(mac['entitlements']));
    assert.match(fs.readFileSync(entitlements, 'utf8'), /com\.apple\.security\.cs\.allow-jit/);
    assert.deepEqual(asStrings(section(config, 'win')['target']), ['nsis']);
    assert.equal(config['publish'], null, 'a build never uploads anything');
  });

  test('icons exist and are valid images of the right size', () => {
    const linuxIcons = path.join(root, String(section(config, 'linux')['icon']));
    for (const size of [256, 512]) {
      const file = path.join(linuxIcons, `${size}x${size}.png`);
      const png = readPng(fs.readFileSync(file));
      assert.equal(png.width, size, `${file} width`);
      assert.equal(png.height, size, `${file} height`);
      assert.equal(png.colorType, 6, `${file} is RGBA`);
    }
    const ico = readIcoSizes(fs.readFileSync(path.join(root, String(section(config, 'win')['icon']))));
    assert.ok(ico.includes(256) && ico.includes(16), `ico holds 16 and 256 px images, has ${ico.join(',')}`);
    const icns = readIcnsTypes(fs.readFileSync(path.join(root, String(section(config, 'mac')['icon']))));
    assert.ok(
      icns.includes('ic09') && icns.includes('ic10'),
      `icns holds 512 and 1024 px images, has ${icns.join(',')}`,
    );
  });

  test('the PNG reader refuses a damaged file', () => {
    const good = fs.readFileSync(path.join(root, 'assets', 'icons', '256x256.png'));
    const damaged = Buffer.from(good);
    damaged[40] = (damaged[40] ?? 0) ^ 0xff;
    assert.throws(() => readPng(damaged), /CRC|pixel|PNG/);
    assert.throws(() => readPng(good.subarray(0, good.length - 20)), /truncated|past the end|IEND/);
  });
});
