import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBuiltinCredentials } from '../../electron/services/builtin-credentials';
import { MemorySecretStore, createSecretStore, type KeytarLike } from '../../electron/services/secret-store';

test('without keytar the store is in-memory and says so plainly', async () => {
  const store = await createSecretStore({ keytar: null });
  assert.equal(store.persistent, false);
  const d = store.describe();
  assert.equal(d.available, false);
  assert.match(d.backend, /keytar is not installed/);
  assert.match(d.message, /No keychain is available.*for this run only/);
  await store.set('a:password', 'x');
  assert.equal(await store.get('a:password'), 'x');
  assert.equal(await store.delete('a:password'), true);
});

test('a keytar whose Secret Service does not answer falls back to memory with the reason', async () => {
  const broken: KeytarLike = {
    getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    setPassword: () => Promise.reject(new Error('no')),
    deletePassword: () => Promise.reject(new Error('no')),
  };
  const store = await createSecretStore({ keytar: broken });
  assert.equal(store.persistent, false);
  assert.match(store.describe().backend, /no Secret Service answered: Cannot autolaunch D-Bus/);
  const silent: KeytarLike = {
    getPassword: () => new Promise(() => {}),
    setPassword: async () => {},
    deletePassword: async () => true,
  };
  const hung = await createSecretStore({ keytar: silent, probeTimeoutMs: 20 });
  assert.match(hung.describe().backend, /did not answer within 20 ms/);
});

test('built-in credentials are generated once with random values and then reused', async () => {
  const store = new MemorySecretStore();
  const a = await loadBuiltinCredentials(store);
  const b = await loadBuiltinCredentials(store);
  assert.deepEqual(a, b);
  assert.ok(a.password.length >= 40 && a.clientSecret.length >= 40);
  const other = await loadBuiltinCredentials(new MemorySecretStore());
  assert.notEqual(other.password, a.password);
  await store.set('builtin:credentials', '{not json');
  const replaced = await loadBuiltinCredentials(store);
  assert.notEqual(replaced.password, a.password);
});

test(
  'a keychain that answers but refuses to store ' + '(locked collection) still gives the built-in engine credentials',
  async () => {
    // What gnome-keyring does with a locked default collection and no prompter: reads answer "not found" (even for
    // items it holds), writes fail. The startup probe only reads, so this store counts as available.
    const writes: string[] = [];
    const locked: KeytarLike = {
      getPassword: async () => null,
      setPassword: async (_service, account) => {
        writes.push(account);
        throw new Error('Cannot create an item in a locked collection');
      },
      deletePassword: async () => false,
    };
    const store = await createSecretStore({ keytar: locked });
    assert.equal(store.persistent, true);
    const a = await loadBuiltinCredentials(store);
    assert.deepEqual(writes, ['builtin:credentials'], 'it tried to keep them');
    assert.ok(a.password.length >= 40 && a.clientSecret.length >= 40 && a.clientId.startsWith('console-'));
    const b = await loadBuiltinCredentials(store);
    assert.notEqual(b.password, a.password, 'nothing was kept: the next run (here, call) gets fresh ones');
    // a read that fails outright (the Secret Service went away after the probe) does not stop the start either
    const gone = new MemorySecretStore();
    gone.get = () =>
      Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files'));
    const c = await loadBuiltinCredentials(gone);
    assert.equal(c.username, 'robot@portal-console');
    assert.ok(c.password.length >= 40 && c.password !== a.password);
  },
);
