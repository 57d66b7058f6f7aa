/**
 * The renderer's Content-Security-Policy (the <meta> in renderer/index.html, and the same policy in the built
 * dist/renderer/index.html) is strict: nothing allowed by default, only the app's own files for script, style,
 * fonts and connections, no inline or eval'd code, no remote hosts, and the directives that do not fall back to
 * default-src (base-uri, form-action) locked explicitly. frame-ancestors is honoured only in a header (a meta tag
 * carrying it logs a console error on every load), so it is in web mode's header and not in the meta tag.
 * Threat: an injected string in a portal response turning into script, or a compromised page exfiltrating tokens.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../electron/web/web-security';

const root = path.resolve(__dirname, '..', '..');

type Policy = Map<string, string[]>;

function cspOf(html: string): string {
  const metas = [...html.matchAll(/<meta\s[^>]*http-equiv=["']Content-Security-Policy["'][^>]*>/gi)].map((m) => m[0]);
  assert.equal(metas.length, 1, 'exactly one CSP <meta>');
  const content = /content=(["'])(.*?)\1/i.exec(metas[0] ?? '');
  assert.ok(content?.[2], 'the CSP <meta> has a content attribute');
  return content[2];
}

function parsePolicy(text: string): Policy {
  const policy: Policy = new Map();
  for (const part of text.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    assert.ok(!policy.has(name.toLowerCase()), `directive ${name} appears once`);
    policy.set(name.toLowerCase(), values);
  }
  return policy;
}

/** Sources allowed for a fetch directive, following the CSP fallback to default-src. */
function effective(policy: Policy, directive: string): string[] {
  return policy.get(directive) ?? policy.get('default-src') ?? ['*'];
}

const REMOTE = /^(\*|https?:|wss?:|ftp:|blob:|filesystem:|[a-z0-9.-]+\.[a-z]{2,}|[a-z0-9.*-]+:\d+|\*\.)/i;

function assertStrict(policy: Policy, where: string, delivery: 'meta' | 'header' = 'header'): void {
  assert.deepEqual(policy.get('default-src'), ["'none'"], `${where}: default-src 'none'`);
  for (const [name, sources] of policy) {
    for (const s of sources) {
      assert.ok(!/^'unsafe-/i.test(s), `${where}: ${name} allows ${s}`);
      assert.ok(!/^'(strict-dynamic|wasm-unsafe-eval|nonce-|sha\d+-)/i.test(s), `${where}: ${name} allows ${s}`);
      assert.ok(!REMOTE.test(s), `${where}: ${name} allows a remote source ${s}`);
    }
  }
  // Code can only come from the app's own files.
  assert.deepEqual(effective(policy, 'script-src'), ["'self'"], `${where}: script-src 'self' only`);
  assert.ok(!effective(policy, 'style-src').includes('data:'), `${where}: no data: styles`);
  assert.ok(!effective(policy, 'connect-src').some((s) => s !== "'self'" && s !== "'none'"), `${where}: connect-src`);
  // Plugins: explicit 'none' or inherited from default-src 'none'.
  assert.deepEqual(effective(policy, 'object-src'), ["'none'"], `${where}: object-src 'none'`);
  assert.deepEqual(effective(policy, 'frame-src'), ["'none'"], `${where}: frame-src 'none'`);
  assert.deepEqual(effective(policy, 'worker-src'), ["'none'"], `${where}: worker-src 'none'`);
  // These three do not fall back to default-src, so they must be set.
  assert.deepEqual(policy.get('base-uri'), ["'none'"], `${where}: base-uri 'none'`);
  assert.deepEqual(policy.get('form-action'), ["'none'"], `${where}: form-action 'none'`);
  if (delivery === 'header') {
    assert.deepEqual(policy.get('frame-ancestors'), ["'none'"], `${where}: frame-ancestors 'none'`);
  } else {
    const where2 = `${where}: frame-ancestors is ignored (with an error) in a meta tag`;
    assert.equal(policy.get('frame-ancestors'), undefined, where2);
  }
}

describe('Content-Security-Policy of the renderer', () => {
  test('renderer/index.html has a strict CSP', () => {
    const html = fs.readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8');
    assertStrict(parsePolicy(cspOf(html)), 'renderer/index.html', 'meta');
  });

  test('the built page keeps the same policy and holds no inline script or style the policy would block', () => {
    const built = path.join(root, 'dist', 'renderer', 'index.html');
    assert.ok(fs.existsSync(built), 'dist/renderer/index.html exists (npm test builds first)');
    const html = fs.readFileSync(built, 'utf8');
    const source = cspOf(fs.readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8'));
    assert.equal(cspOf(html), source, 'the build does not change the CSP');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    for (const [, attrs, body] of scripts) {
      assert.match(attrs ?? '', /\ssrc=/, 'every script is loaded from a file');
      assert.equal((body ?? '').trim(), '', 'no inline script body');
      assert.ok(!/src=["']?(https?:)?\/\//i.test(attrs ?? ''), 'no remote script');
    }
    assert.ok(!/<style\b/i.test(html), 'no inline <style>');
    assert.ok(!/\sstyle=/i.test(html), 'no style attributes');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
  });

  test('web mode sends the same strict policy as a header, plus frame-ancestors (which only works in a header)', () => {
    assertStrict(parsePolicy(CONTENT_SECURITY_POLICY), 'web-mode header');
    const meta = cspOf(fs.readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8'));
    assert.equal(CONTENT_SECURITY_POLICY, `${meta}; frame-ancestors 'none'`);
  });

  test('the checker itself refuses weak policies', () => {
    const weak = [
      "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "default-src 'none'; script-src 'self' 'unsafe-inline'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "default-src 'none'; script-src 'self' 'unsafe-eval'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "default-src 'none'; script-src 'self'; connect-src https://portal.example.com; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "default-src 'none'; script-src 'self'; img-src *; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "default-src 'none'; script-src 'self'; object-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "default-src 'none'; script-src 'self'; form-action 'none'; frame-ancestors 'none'",
      "default-src 'none'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'",
      "default-src 'none'; script-src 'self'; base-uri 'none'; form-action 'none'",
    ];
    for (const text of weak)
      assert.throws(() => assertStrict(parsePolicy(text), 'sample'), assert.AssertionError, text);
    const metaWithFrameAncestors =
      "default-src 'none'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    assert.throws(() => assertStrict(parsePolicy(metaWithFrameAncestors), 'meta', 'meta'), assert.AssertionError);
  });
});
