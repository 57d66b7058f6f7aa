import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  allowedHosts,
  bearerToken,
  CONTENT_SECURITY_POLICY,
  createToken,
  isAllowedHost,
  isAllowedOrigin,
  isLoopbackHost,
  META_CONTENT_SECURITY_POLICY,
  tokenMatches,
} from '../../electron/web/web-security';

test("the CSP header is the renderer's meta tag plus frame-ancestors (which a meta tag cannot carry)", () => {
  const html = fs.readFileSync(path.resolve(__dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  assert.ok(meta, 'renderer/index.html has a CSP meta tag');
  assert.equal(META_CONTENT_SECURITY_POLICY, meta[1]);
  assert.equal(CONTENT_SECURITY_POLICY, `${meta[1]}; frame-ancestors 'none'`);
  assert.doesNotMatch(meta[1] ?? '', /frame-ancestors/);
});

test('tokens are 32 random bytes in base64url and compare only when equal', () => {
  const a = createToken();
  const b = createToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.equal(tokenMatches(a, a), true);
  for (const wrong of [
    b,
    a.slice(1),
    `${a}x`,
    a.toLowerCase() === a ? a.toUpperCase() : a.toLowerCase(),
    '',
    undefined,
    null,
    42,
    [a],
    'x'.repeat(5000),
  ]) {
    assert.equal(tokenMatches(a, wrong), false, String(wrong).slice(0, 20));
  }
});

test('bearer tokens are read from the Authorization header only in the Bearer form', () => {
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('bearer abc'), 'abc');
  for (const bad of ['Basic abc', 'Bearer', 'Bearer a b', 'abc', undefined, ['Bearer abc']])
    assert.equal(bearerToken(bad), null);
});

test('Host must name the loopback server and its port (DNS rebinding)', () => {
  const hosts = allowedHosts('127.0.0.1', 4321);
  for (const ok of ['127.0.0.1:4321', 'localhost:4321', 'LOCALHOST:4321'])
    assert.equal(isAllowedHost(ok, hosts), true, ok);
  for (const bad of [
    'evil.example:4321',
    'evil.example',
    '127.0.0.1',
    '127.0.0.1:80',
    'localhost',
    '[::1]:4321',
    '',
    undefined,
  ]) {
    assert.equal(isAllowedHost(bad, hosts), false, String(bad));
  }
});

test('Origin must be absent or exactly the server itself', () => {
  const hosts = allowedHosts('127.0.0.1', 4321);
  assert.equal(isAllowedOrigin(undefined, hosts), true);
  assert.equal(isAllowedOrigin('http://127.0.0.1:4321', hosts), true);
  assert.equal(isAllowedOrigin('http://localhost:4321', hosts), true);
  for (const bad of [
    'null',
    'https://127.0.0.1:4321',
    'http://127.0.0.1:4322',
    'http://evil.example',
    'http://127.0.0.1:4321/',
    'http://127.0.0.1:4321.evil.example',
    '',
  ]) {
    assert.equal(isAllowedOrigin(bad, hosts), false, bad);
  }
});

test('only loopback addresses are accepted to listen on', () => {
  for (const ok of ['127.0.0.1', '127.1.2.3', 'localhost']) assert.equal(isLoopbackHost(ok), true, ok);
  for (const bad of ['0.0.0.0', '::', '::1', '192.168.1.10', 'example.org', '127.0.0.1.evil', ''])
    assert.equal(isLoopbackHost(bad), false, bad);
});
