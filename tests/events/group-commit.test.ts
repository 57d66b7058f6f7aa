import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { GroupCommit } from '../../electron/services/events/group-commit';

test('group commit: writes staged in one turn share a transaction; a bad one fails alone', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
  let batches = 0;
  const commits = new GroupCommit(db, 0, {
    write: () => undefined,
    committed: () => void batches++,
    failed: () => undefined,
  });
  const done: number[] = [];
  const staged = [1, 2, 3].map((x) =>
    commits.stage(
      () => insert.run(x),
      () => done.push(x),
    ),
  );
  assert.equal(done.length, 0, 'nothing is done before the commit');
  await Promise.all(staged);
  assert.deepEqual([...done], [1, 2, 3]);
  assert.equal(batches, 1, 'one commit for the three');

  const results = await Promise.allSettled([
    commits.stage(
      () => insert.run(4),
      () => done.push(4),
    ),
    commits.stage(
      () => insert.run(1),
      () => done.push(-1),
    ), // duplicate key
    commits.stage(
      () => insert.run(5),
      () => done.push(5),
    ),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(done, [1, 2, 3, 4, 5]);
  assert.deepEqual(db.prepare('SELECT x FROM t ORDER BY x').pluck().all(), [1, 2, 3, 4, 5]);
  db.close();
});
