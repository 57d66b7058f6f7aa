/**
 * The keychain round trip against a real Secret Service (keytar, service "portal-console"). Without one the test
 * is skipped with the reason, except under REQUIRE_KEYCHAIN=1 (CI), where a missing keychain is a failure.
 * Locally: dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
 *   REQUIRE_KEYCHAIN=1 node --import tsx --test tests/core/keychain.test.ts'
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { KEYCHAIN_SERVICE, createSecretStore, loadKeytar } from '../../electron/services/secret-store';
import { errorText } from '../../shared/util/error-text';

test('keychain round trip with keytar under service portal-console', async (t) => {
  const store = await createSecretStore({ probeTimeoutMs: 5000 });
  if (!store.persistent) {
    const why = `no keychain, backend ${store.describe().backend}`;
    if (process.env['REQUIRE_KEYCHAIN'] === '1') assert.fail(`REQUIRE_KEYCHAIN=1 but ${why}`);
    t.skip(
      `keychain test skipped: ${why}; run it inside dbus-run-session with gnome-keyring (see the top of this file)`,
    );
    return;
  }
  assert.equal(store.describe().available, true);
  const account = `test-${randomBytes(6).toString('hex')}:password`;
  const value = `pw-${randomBytes(12).toString('hex')}`;
  let stored = false;
  try {
    assert.equal(await store.get(account), null);
    await store.set(account, value).catch((err: unknown) => {
      // e.g. "Cannot create an item in a locked collection": the Secret Service answers but its default
      // collection is locked (no prompter without a display), or was created with another password
      throw new Error(`the Secret Service refused to store a secret: ${errorText(err)}`);
    });
    stored = true;
    assert.equal(await store.get(account), value);
    // read back through keytar directly: the secret really is under service "portal-console"
    const loaded = loadKeytar();
    assert.ok('keytar' in loaded);
    assert.equal(await loaded.keytar.getPassword(KEYCHAIN_SERVICE, account), value);
    await store.set(account, `${value}-2`);
    assert.equal(await store.get(account), `${value}-2`);
  } finally {
    if (stored) await store.delete(account).catch(() => false);
  }
  assert.equal(await store.get(account), null);
  await store.set(account, value);
  assert.equal(await store.delete(account), true);
  assert.equal(await store.get(account), null);
  assert.equal(await store.delete(account), false);
});
