import assert from 'node:assert/strict';
import { ConsoleError } from '../../shared/contract';

/** Asserts that `p` rejects with a ConsoleError of `code` (and, when given, a message matching `message`). */
export async function rejectsWithCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ConsoleError, `expected a ConsoleError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}
