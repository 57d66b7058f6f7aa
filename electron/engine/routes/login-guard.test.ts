import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoginGuard } from './login-guard';

const DECOY = 'decoy-hash';
const REAL = 'hash-of-right';

function setup(options: ConstructorParameters<typeof LoginGuard>[3] = {}) {
  let now = 1_000_000;
  const checked: string[] = [];
  let hold: Promise<void> | null = null;
  const verify = async (secret: string, hash: string): Promise<boolean> => {
    checked.push(hash);
    if (hold !== null) await hold;
    return secret === 'right' && hash === REAL;
  };
  const guard = new LoginGuard(verify, DECOY, () => now, options);
  return {
    guard,
    checked,
    advance: (ms: number) => (now += ms),
    holdVerify(): () => void {
      let release!: () => void;
      hold = new Promise<void>((r) => (release = r));
      return () => {
        hold = null;
        release();
      };
    },
  };
}

test('an unknown user costs the same hash work as a wrong password: the decoy hash is checked', async () => {
  const { guard, checked } = setup();
  assert.deepEqual(await guard.check('k', null, 'right'), { outcome: 'wrong' });
  assert.deepEqual(checked, [DECOY]);
  assert.deepEqual(await guard.check('k', REAL, 'nope'), { outcome: 'wrong' });
  assert.deepEqual(checked, [DECOY, REAL]);
  assert.deepEqual(await guard.check('k', REAL, 'right'), { outcome: 'ok' });
});

test('after five failures in a row the key is refused, without a password check, for a doubling delay', async () => {
  const { guard, checked, advance } = setup();
  for (let i = 0; i < 5; i++) assert.equal((await guard.check('k', REAL, 'nope')).outcome, 'wrong');
  assert.deepEqual(await guard.check('k', REAL, 'right'), { outcome: 'throttled', retryAfterS: 1 });
  assert.equal(checked.length, 5, 'a refused attempt checks nothing, a right password included');
  assert.equal(
    (await guard.check('other-key', REAL, 'right')).outcome,
    'ok',
    'other clients and addresses are not affected',
  );
  advance(1000);
  assert.equal((await guard.check('k', REAL, 'nope')).outcome, 'wrong');
  assert.deepEqual(await guard.check('k', REAL, 'right'), { outcome: 'throttled', retryAfterS: 2 });
  advance(2000);
  assert.equal((await guard.check('k', REAL, 'nope')).outcome, 'wrong');
  assert.deepEqual(await guard.check('k', REAL, 'right'), { outcome: 'throttled', retryAfterS: 4 });
  advance(4000);
  assert.equal((await guard.check('k', REAL, 'right')).outcome, 'ok');
  assert.equal((await guard.check('k', REAL, 'nope')).outcome, 'wrong', 'a success starts the count again');
  assert.equal(guard.size, 1);
});

test('the delay is capped, and a key is forgotten some time after its last failure', async () => {
  const { guard, advance } = setup({ maxDelayMs: 5000, forgetAfterMs: 60_000 });
  for (let i = 0; i < 12; i++) {
    await guard.check('k', REAL, 'nope');
    advance(5000);
  }
  assert.equal((await guard.check('k', REAL, 'nope')).outcome, 'wrong');
  assert.deepEqual(await guard.check('k', REAL, 'right'), { outcome: 'throttled', retryAfterS: 5 });
  advance(60_000);
  assert.equal((await guard.check('k', REAL, 'right')).outcome, 'ok');
});

test('parallel guesses get no more than the free failures', async () => {
  const { guard, checked, holdVerify } = setup();
  const release = holdVerify();
  const attempts = Array.from({ length: 20 }, () => guard.check('k', REAL, 'nope'));
  await new Promise((r) => setImmediate(r));
  release();
  const outcomes = (await Promise.all(attempts)).map((r) => r.outcome);
  assert.equal(outcomes.filter((o) => o === 'wrong').length, 5);
  assert.equal(outcomes.filter((o) => o === 'throttled').length, 15);
  assert.equal(checked.length, 5);
});

test('memory stays bounded: the least recently used keys are dropped', async () => {
  const { guard } = setup({ maxKeys: 3 });
  for (let i = 0; i < 10; i++) await guard.check(`k${i}`, REAL, 'nope');
  assert.equal(guard.size, 3);
});
