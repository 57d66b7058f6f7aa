import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDateTime, formatNullableDateTime } from './datetime';

test('datetimes as DjangoJSONEncoder writes them', () => {
  assert.equal(formatDateTime(Date.UTC(2020, 6, 31, 3, 57, 33, 942)), '2020-07-31T03:57:33.942Z');
  assert.equal(formatDateTime(Date.UTC(2020, 6, 31, 3, 57, 33, 0)), '2020-07-31T03:57:33Z');
  assert.equal(formatDateTime(Date.UTC(2020, 6, 31, 3, 57, 33, 5)), '2020-07-31T03:57:33.005Z');
  assert.equal(formatNullableDateTime(null), null);
});
